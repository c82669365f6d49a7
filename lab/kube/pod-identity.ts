import { KubeLab } from './kube-lab';

/** What the pod identity webhook put into a stored Pod for IRSA: its first container's variables and the token volume. */
export interface InjectedIdentity {
  readonly roleArn?: string;
  readonly tokenFile?: string;
  /** `AWS_STS_REGIONAL_ENDPOINTS`, when the ServiceAccount asks for regional STS. */
  readonly stsRegionalEndpoints?: string;
  /** The projected volume's ServiceAccount token source: what kubelet asks the TokenRequest API for. */
  readonly token?: { readonly audience: string; readonly expirationSeconds: number; readonly path: string };
  /** Where the volume is mounted in the first container. */
  readonly mountPath?: string;
}

/** The name the webhook gives the projected volume of the IRSA token. */
const TOKEN_VOLUME = 'aws-iam-token';

/** A Pod like the one a workload's controller makes from its pod template. */
export function podFromTemplate(workload: any, name: string): any {
  const template = workload.spec.jobTemplate?.spec.template ?? workload.spec.template;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: workload.metadata.namespace, labels: template.metadata?.labels },
    spec: template.spec,
  };
}

/** Creates `pod` through the API server, which calls the webhook, and returns the Pod as stored. */
export async function createPod(lab: KubeLab, pod: any): Promise<any> {
  return lab.create(`/api/v1/namespaces/${pod.metadata.namespace}/pods`, pod);
}

/** What the webhook injected into a stored Pod; an empty object when it left the Pod alone. */
export function injectedIdentity(pod: any): InjectedIdentity {
  const container = pod.spec.containers[0];
  const env = (name: string): string | undefined => container.env?.find((e: any) => e.name === name)?.value;
  const volume = pod.spec.volumes?.find((v: any) => v.name === TOKEN_VOLUME);
  const source = volume?.projected?.sources?.find((s: any) => s.serviceAccountToken)?.serviceAccountToken;
  const identity: InjectedIdentity = {
    roleArn: env('AWS_ROLE_ARN'),
    tokenFile: env('AWS_WEB_IDENTITY_TOKEN_FILE'),
    stsRegionalEndpoints: env('AWS_STS_REGIONAL_ENDPOINTS'),
    token: source && { audience: source.audience, expirationSeconds: source.expirationSeconds, path: source.path },
    mountPath: container.volumeMounts?.find((m: any) => m.name === TOKEN_VOLUME)?.mountPath,
  };
  return Object.fromEntries(Object.entries(identity).filter(([, v]) => v !== undefined));
}

/** Whether the webhook mutated the Pod for IRSA. */
export function isMutated(pod: any): boolean {
  return injectedIdentity(pod).roleArn !== undefined;
}

/**
 * The token kubelet would write into the Pod's projected volume: the TokenRequest API asked for exactly the audience
 * and lifetime the volume names, bound to the Pod.
 */
export async function kubeletToken(lab: KubeLab, pod: any): Promise<string> {
  const token = injectedIdentity(pod).token;
  if (!token) throw new Error(`Pod ${pod.metadata.namespace}/${pod.metadata.name} has no ${TOKEN_VOLUME} volume: the webhook did not mutate it`);
  return lab.requestToken(pod.metadata.namespace, pod.spec.serviceAccountName, {
    audiences: [token.audience],
    expirationSeconds: token.expirationSeconds,
    boundPod: { name: pod.metadata.name, uid: pod.metadata.uid },
  });
}
