/*
 * One benchmark measurement: builds and synthesizes one scenario with N ServiceAccounts in a fresh process and
 * prints one JSON line (a ScenarioResult) on stdout. Run by bench/run.ts; see there for the method.
 *
 *   node bench/.build/bench/scenario.js <A|B|C|D|K> <N> [--validation] [--outdir <empty dir>] [--preload <file>]
 *                                       [--list-modules <file>]
 */
import * as fs from 'fs';
import Module from 'module';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { App, attachCustomSynthesis, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { IrsaCluster } from '../src';
import { ACCOUNT, ISSUER, ISSUER_URL, NAMESPACES, REGION, ScenarioId, ScenarioResult, STACK_NAME, STS_AUDIENCE } from './common';

/** The i-th ServiceAccount: spread over NAMESPACES namespaces. */
function serviceAccount(i: number): { id: string; namespace: string; name: string } {
  return { id: `Sa${i}`, namespace: `ns-${i % NAMESPACES}`, name: `sa-${i}` };
}

/** cdk-irsa: every ServiceAccount in the cluster's default chart, written to the assembly. */
function buildA(stack: Stack, n: number): void {
  const irsa = new IrsaCluster(stack, 'Irsa', { issuerUrl: ISSUER_URL });
  for (let i = 0; i < n; i++) {
    const sa = serviceAccount(i);
    irsa.addServiceAccount(sa.id, { namespace: sa.namespace, name: sa.name });
  }
}

/** A cluster with kubectl access that the stack does not create (its provider is a nested stack). */
function importedKubectlCluster(stack: Stack, provider?: iam.IOidcProvider): eks.ICluster {
  return eks.Cluster.fromClusterAttributes(stack, 'Cluster', {
    clusterName: 'bench',
    openIdConnectProvider: provider,
    kubectlRoleArn: `arn:aws:iam::${ACCOUNT}:role/bench-kubectl`,
    kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(stack, 'KubectlLayer',
      `arn:aws:lambda:${REGION}:${ACCOUNT}:layer:kubectl:1`),
  });
}

/** cdk-irsa, also applying the default chart through a kubectl cluster. */
function buildK(stack: Stack, n: number): void {
  const irsa = new IrsaCluster(stack, 'Irsa', { issuerUrl: ISSUER_URL, cluster: importedKubectlCluster(stack) });
  for (let i = 0; i < n; i++) {
    const sa = serviceAccount(i);
    irsa.addServiceAccount(sa.id, { namespace: sa.namespace, name: sa.name });
  }
}

/** aws-eks, as a user with an existing cluster would write it. */
function buildB(stack: Stack, n: number): void {
  // The same native provider A and C create, so the difference is what aws-eks adds per ServiceAccount.
  const provider = new iam.OidcProviderNative(stack, 'Provider', { url: ISSUER_URL, clientIds: [STS_AUDIENCE] });
  const cluster = importedKubectlCluster(stack, provider);
  for (let i = 0; i < n; i++) {
    const sa = serviceAccount(i);
    cluster.addServiceAccount(sa.id, { namespace: sa.namespace, name: sa.name });
  }
}

/** The floor: what any IRSA setup needs in CloudFormation, and nothing for Kubernetes. */
function buildC(stack: Stack, n: number): void {
  const provider = new iam.CfnOIDCProvider(stack, 'Provider', { url: ISSUER_URL, clientIdList: [STS_AUDIENCE] });
  for (let i = 0; i < n; i++) {
    const sa = serviceAccount(i);
    new iam.Role(stack, sa.id, {
      assumedBy: new iam.WebIdentityPrincipal(provider.attrArn, {
        StringEquals: {
          [`${ISSUER}:sub`]: `system:serviceaccount:${sa.namespace}:${sa.name}`,
          [`${ISSUER}:aud`]: STS_AUDIENCE,
        },
      }),
    });
  }
}

/**
 * The floor with manifests: what a user writes by hand to get A's result. C's roles, with names so that their ARNs
 * are known at synth, and one cdk8s chart holding the same annotated ServiceAccounts, rendered with
 * `cdk8s.Yaml.stringify` into the cloud assembly.
 */
function buildD(stack: Stack, n: number): void {
  const provider = new iam.CfnOIDCProvider(stack, 'Provider', { url: ISSUER_URL, clientIdList: [STS_AUDIENCE] });
  const chart = new cdk8s.Chart(new cdk8s.App(), 'service-accounts');
  for (let i = 0; i < n; i++) {
    const sa = serviceAccount(i);
    const roleName = `${STACK_NAME}-${sa.id}`;
    new iam.Role(stack, sa.id, {
      roleName,
      assumedBy: new iam.WebIdentityPrincipal(provider.attrArn, {
        StringEquals: {
          [`${ISSUER}:sub`]: `system:serviceaccount:${sa.namespace}:${sa.name}`,
          [`${ISSUER}:aud`]: STS_AUDIENCE,
        },
      }),
    });
    new kplus.ServiceAccount(chart, sa.id, {
      metadata: { name: sa.name, namespace: sa.namespace, annotations: { 'eks.amazonaws.com/role-arn': `arn:aws:iam::${ACCOUNT}:role/${roleName}` } },
    });
  }
  attachCustomSynthesis(new Construct(stack, 'Manifest'), {
    onSynthesize: session => fs.writeFileSync(path.join(session.outdir, `${STACK_NAME}.service-accounts.k8s.yaml`),
      cdk8s.Yaml.stringify(...chart.toJson())),
  });
}

const BUILDERS: Record<ScenarioId, (stack: Stack, n: number) => void> = { A: buildA, B: buildB, C: buildC, D: buildD, K: buildK };

/** Accumulates the time of outermost `require` calls, so it can be taken out of the measurement. */
function instrumentRequire(): { stop: () => { ms: number; modules: number } } {
  const proto = Module.prototype as unknown as { require: (id: string) => unknown };
  const original = proto.require;
  const before = new Set(Object.keys(require.cache));
  let depth = 0;
  let total = 0;
  proto.require = function (this: unknown, id: string) {
    if (depth > 0) return original.call(this, id);
    depth++;
    const start = performance.now();
    try {
      return original.call(this, id);
    } finally {
      total += performance.now() - start;
      depth--;
    }
  };
  return {
    stop: () => {
      proto.require = original;
      return { ms: total, modules: Object.keys(require.cache).filter(k => !before.has(k)).length };
    },
  };
}

interface Template { Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }> }

/** Counts what the cloud assembly holds: the stack template, nested-stack templates and k8s manifests. */
function inspectAssembly(outdir: string): Partial<ScenarioResult> {
  const files = fs.readdirSync(outdir);
  const templateFiles = files.filter(f => f.endsWith('.template.json'));
  const templates = new Map<string, Template>(templateFiles.map(f => [f, JSON.parse(fs.readFileSync(path.join(outdir, f), 'utf8'))]));
  const stackTemplate = templates.get(`${STACK_NAME}.template.json`);
  if (!stackTemplate) throw new Error(`no ${STACK_NAME}.template.json in the assembly (${files.join(', ')})`);
  const all = [...templates.values()].flatMap(t => Object.values(t.Resources ?? {}));
  const manifests = files.filter(f => f.endsWith('.k8s.yaml'));
  return {
    resources: Object.keys(stackTemplate.Resources ?? {}).length,
    resourcesAllTemplates: all.length,
    nestedStacks: all.filter(r => r.Type === 'AWS::CloudFormation::Stack').length,
    customResources: all.filter(r => r.Type.startsWith('Custom::') || r.Type === 'AWS::CloudFormation::CustomResource').length,
    lambdaFunctions: all.filter(r => r.Type === 'AWS::Lambda::Function').length,
    templateBytes: templateFiles.reduce((sum, f) => sum + fs.statSync(path.join(outdir, f)).size, 0),
    kubernetesManifests: all.filter(r => r.Type === 'Custom::AWSCDK-EKS-KubernetesResource').length,
    manifestFiles: manifests.length,
    manifestBytes: manifests.reduce((sum, f) => sum + fs.statSync(path.join(outdir, f)).size, 0),
  };
}

const USAGE = 'usage: scenario.js <A|B|C|D|K> <N> [--validation] [--outdir <empty dir>] [--preload <file>] [--list-modules <file>]';

function main(argv: string[]): void {
  const [scenario, nArg] = argv;
  const flag = (name: string) => argv.includes(name);
  const option = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
  if (!(scenario in BUILDERS) || !/^\d+$/.test(nArg ?? '')) throw new Error(USAGE);
  const n = Number(nArg);
  const validation = flag('--validation');
  const loadAverage = os.loadavg()[0];

  // Warm up the requires: aws-cdk-lib loads most of its modules lazily, on first use. The orchestrator asks a
  // first child for the modules a scenario ends up loading and has the measured children load them up front.
  const preload = option('--preload');
  if (preload) {
    for (const file of JSON.parse(fs.readFileSync(preload, 'utf8')) as string[]) {
      // The CommonJS loader itself: the modules must land in the cache the scenario's lazy requires hit.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(file);
    }
  }

  // The orchestrator passes a fresh directory and deletes them all at the end, so that deleting one run's files
  // cannot slow down the next run's writes.
  const ownOutdir = option('--outdir') === undefined;
  const outdir = option('--outdir') ?? fs.mkdtempSync(path.join(os.tmpdir(), `cdk-irsa-bench-${scenario}-${n}-`));
  const requires = instrumentRequire();
  let error: string | undefined;
  const start = performance.now();
  let constructedAt = start;
  try {
    const app = new App({ outdir, builtinCloudFormationValidation: validation });
    const stack = new Stack(app, STACK_NAME, { env: { account: ACCOUNT, region: REGION } });
    BUILDERS[scenario as ScenarioId](stack, n);
    constructedAt = performance.now();
    app.synth();
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  const wallMs = performance.now() - start;
  const { ms: requireMs, modules: modulesLoadedWhileTimed } = requires.stop();
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;

  const listModules = option('--list-modules');
  if (listModules) fs.writeFileSync(listModules, JSON.stringify(Object.keys(require.cache)));

  const result: ScenarioResult = {
    scenario: scenario as ScenarioId,
    n,
    validation,
    ok: error === undefined,
    error,
    ms: wallMs - requireMs,
    constructWallMs: constructedAt - start,
    wallMs,
    requireMs,
    modulesLoadedWhileTimed,
    loadAverage,
    peakRssMiB,
    ...(error === undefined ? inspectAssembly(outdir) : {}),
    cpuMs: (process.resourceUsage().userCPUTime + process.resourceUsage().systemCPUTime) / 1000,
  };
  if (ownOutdir) fs.rmSync(outdir, { recursive: true, force: true });
  process.stdout.write(JSON.stringify(result) + '\n');
}

if (require.main === module) {
  main(process.argv.slice(2));
}
