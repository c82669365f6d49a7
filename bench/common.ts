/* What bench/run.ts and bench/scenario.ts share; no CDK import, so the orchestrator stays light. */

/** What every scenario shares: one stack, a fixed env and a literal EKS issuer. */
export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-2';
export const ISSUER_URL = 'https://oidc.eks.eu-west-2.amazonaws.com/id/0524940DCDEE3C59B6B1ABEFCE8BB2A2';
export const ISSUER = ISSUER_URL.slice('https://'.length);
export const STS_AUDIENCE = 'sts.amazonaws.com';
export const NAMESPACES = 10;
export const STACK_NAME = 'Bench';

export type ScenarioId = 'A' | 'B' | 'C' | 'D' | 'K';

export const SCENARIOS: Record<ScenarioId, string> = {
  A: 'cdk-irsa: IrsaCluster + N addServiceAccount, all in the default chart, written to the assembly as one file',
  B: 'aws-eks: Cluster.fromClusterAttributes(...).addServiceAccount, native OIDC provider, kubectl role + layer',
  C: 'bare roles: one CfnOIDCProvider + N iam.Role with WebIdentityPrincipal and literal sub/aud, no manifests',
  D: 'the floor with manifests: C with role names + one cdk8s chart of N kplus.ServiceAccount, cdk8s.Yaml.stringify to one file',
  K: 'cdk-irsa applied: A with an imported kubectl cluster (fromClusterAttributes), one KubernetesManifest per ServiceAccount',
};

/** What one child process measured. */
export interface ScenarioResult {
  readonly scenario: ScenarioId;
  readonly n: number;
  readonly validation: boolean;
  readonly ok: boolean;
  /** The error message when construction or synthesis threw. */
  readonly error?: string;
  /** Construct + synth, minus any time spent in `require` inside that window. */
  readonly ms: number;
  /** Wall time of construction alone (the rest is `app.synth()`), including requires. */
  readonly constructWallMs: number;
  /** Wall time of construct + synth including requires. */
  readonly wallMs: number;
  /** Time spent in `require` inside the timed window: lazy look-ups of preloaded modules, and any module loaded late. */
  readonly requireMs: number;
  readonly modulesLoadedWhileTimed: number;
  /** The machine's 1-minute load average when the process started (other processes skew the figures). */
  readonly loadAverage: number;
  /** CPU time the process had used when it reported (all threads, startup included), for the record. */
  readonly cpuMs: number;
  /** `process.resourceUsage().maxRSS`, in MiB. */
  readonly peakRssMiB: number;
  /** Resources of the stack's own template (the one CloudFormation's 500-resource limit applies to). */
  readonly resources?: number;
  /** Resources of all templates, nested stacks included. */
  readonly resourcesAllTemplates?: number;
  readonly nestedStacks?: number;
  readonly customResources?: number;
  readonly lambdaFunctions?: number;
  /** Bytes of every template in the assembly, nested stacks included. */
  readonly templateBytes?: number;
  /** `Custom::AWSCDK-EKS-KubernetesResource` resources: one apply each. */
  readonly kubernetesManifests?: number;
  /** `*.k8s.yaml` files written to the cloud assembly. */
  readonly manifestFiles?: number;
  readonly manifestBytes?: number;
}

