import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { KubeApiError } from './kube-client';
import { KubeLab } from './kube-lab';
import { createPod, isMutated } from './pod-identity';

/** How many of `tries` Pods the webhook left without the role. */
export interface RaceResult {
  readonly tries: number;
  readonly unmutated: number;
}

/** What happens when a workload reaches the cluster before its ServiceAccount. */
export interface ReversedOrderResult {
  /** Pods that existed before the ServiceAccount was applied. */
  readonly podsBeforeServiceAccount: number;
  /** Why the ReplicaSet made none: its FailedCreate event. */
  readonly refusal: string;
  /** Whether the Pod made once the ServiceAccount existed has the role. */
  readonly mutatedAfterwards: boolean;
}

const ROLE_ARN = 'arn:aws:iam::123456789012:role/ordering';
const CONTAINERS = [{ name: 'app', image: 'public.ecr.aws/aws-cli/aws-cli:2.22.0' }];

/** An annotated ServiceAccount, as cdk-irsa writes one. */
function serviceAccount(namespace: string, name: string, annotated = true): any {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name, namespace, ...(annotated ? { annotations: { 'eks.amazonaws.com/role-arn': ROLE_ARN } } : {}) },
  };
}

function deployment(namespace: string, name: string, serviceAccountName: string): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { serviceAccountName, containers: CONTAINERS } },
    },
  };
}

function pod(namespace: string, name: string, serviceAccountName: string): any {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace }, spec: { serviceAccountName, containers: CONTAINERS } };
}

async function createNamespace(lab: KubeLab, name: string): Promise<void> {
  try {
    await lab.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  } catch (e) {
    if (!(e instanceof KubeApiError && e.status === 409)) throw e;
  }
}

async function apply(lab: KubeLab, dir: string, name: string, objects: any[]): Promise<void> {
  const file = path.join(dir, `${name}.yaml`);
  fs.writeFileSync(file, objects.map(o => YAML.stringify(o)).join('---\n'));
  const result = await lab.apply(file);
  if (result.code !== 0) throw new Error(`kubectl apply of ${file} failed: ${result.stderr}`);
}

/** Each try creates a ServiceAccount and, in the next request, a Pod that runs as it: the race users report. */
export async function serviceAccountThenPod(lab: KubeLab, namespace: string, tries: number): Promise<RaceResult> {
  await createNamespace(lab, namespace);
  let unmutated = 0;
  for (let i = 0; i < tries; i++) {
    await lab.create(`/api/v1/namespaces/${namespace}/serviceaccounts`, serviceAccount(namespace, `sa-${i}`));
    if (!isMutated(await createPod(lab, pod(namespace, `pod-${i}`, `sa-${i}`)))) unmutated++;
  }
  return { tries, unmutated };
}

/**
 * Each try applies one file in cdk-irsa's order, as the kubectl handler (or `kubectl apply -f`) applies a chart: the
 * ServiceAccount, then a workload that runs as it, a Deployment (whose Pod its controllers create) or a bare Pod.
 */
export async function oneApplyServiceAccountsFirst(lab: KubeLab, dir: string, namespace: string, tries: number, workload: 'Deployment' | 'Pod'): Promise<RaceResult> {
  await createNamespace(lab, namespace);
  for (let i = 0; i < tries; i++) {
    const objects = [serviceAccount(namespace, `sa-${i}`), workload === 'Pod' ? pod(namespace, `pod-${i}`, `sa-${i}`) : deployment(namespace, `app-${i}`, `sa-${i}`)];
    await apply(lab, dir, `${namespace}-${i}`, objects);
  }
  const pods = await lab.waitFor(`/api/v1/namespaces/${namespace}/pods`, list => list.items.length >= tries ? list.items : undefined,
    `${tries} Pods in namespace ${namespace}`, 120_000);
  return { tries, unmutated: pods.filter((p: any) => !isMutated(p)).length };
}

/** A Deployment applied by hand before its ServiceAccount, with the controllers running; the ServiceAccount 2 s later. */
export async function deploymentBeforeServiceAccount(lab: KubeLab, dir: string, namespace: string): Promise<ReversedOrderResult> {
  await createNamespace(lab, namespace);
  await apply(lab, dir, `${namespace}-deployment`, [deployment(namespace, 'app', 'app')]);
  const refusal = await lab.waitFor(`/api/v1/namespaces/${namespace}/events`,
    list => list.items.find((e: any) => e.reason === 'FailedCreate')?.message, 'the ReplicaSet\'s FailedCreate event');
  await new Promise(resolve => setTimeout(resolve, 2000));
  const podsBeforeServiceAccount = (await lab.get(`/api/v1/namespaces/${namespace}/pods`)).items.length;
  await apply(lab, dir, `${namespace}-service-account`, [serviceAccount(namespace, 'app')]);
  const [created] = await lab.waitFor(`/api/v1/namespaces/${namespace}/pods`, list => list.items.length > 0 ? list.items : undefined,
    'the Deployment\'s Pod once its ServiceAccount exists', 120_000);
  return { podsBeforeServiceAccount, refusal, mutatedAfterwards: isMutated(created) };
}

/** Whether a Pod had the role before its ServiceAccount was annotated, and after. */
export interface LateAnnotationResult {
  readonly mutatedBefore: boolean;
  readonly mutatedAfterAnnotation: boolean;
}

/**
 * A ServiceAccount that exists without the annotation (made by a Helm chart, say) when the workload starts, and is
 * annotated afterwards: whether the running Pod ever gets the role.
 */
export async function annotationAfterPods(lab: KubeLab, dir: string, namespace: string): Promise<LateAnnotationResult> {
  await createNamespace(lab, namespace);
  await apply(lab, dir, `${namespace}-unannotated`, [serviceAccount(namespace, 'app', false), deployment(namespace, 'app', 'app')]);
  const [before] = await lab.waitFor(`/api/v1/namespaces/${namespace}/pods`, list => list.items.length > 0 ? list.items : undefined, 'the Deployment\'s Pod');
  await apply(lab, dir, `${namespace}-annotated`, [serviceAccount(namespace, 'app')]);
  await new Promise(resolve => setTimeout(resolve, 2000));
  const after = await lab.get(`/api/v1/namespaces/${namespace}/pods/${before.metadata.name}`);
  return { mutatedBefore: isMutated(before), mutatedAfterAnnotation: isMutated(after) };
}
