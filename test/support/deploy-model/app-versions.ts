import fc from 'fast-check';
import { KubeObject, objectKey } from './kubectl-handler';
import { ModelResource, ModelTemplate } from './stack-update';

/*
 * App versions as the deploy model sees them: ServiceAccounts (with their role and identity) and workloads in charts
 * applied to one cluster from one stack, and the changes users make between deploys.
 */

export type Identity = 'irsa' | 'pod' | 'both';

export interface ServiceAccountSpec {
  readonly namespace: string;
  readonly name: string;
  readonly chart: string;
  /** Bumped when a change replaces the role (a new role name). */
  readonly roleGeneration: number;
  readonly identity: Identity;
}

export interface WorkloadSpec {
  readonly kind: 'Deployment' | 'ConfigMap';
  readonly namespace: string;
  readonly name: string;
  readonly chart: string;
  /** A large ConfigMap (120 KiB) takes a chart across the 200 KiB a manifest resource holds. */
  readonly large: boolean;
  readonly serviceAccountName?: string;
}

export interface AppVersion {
  readonly serviceAccounts: readonly ServiceAccountSpec[];
  readonly workloads: readonly WorkloadSpec[];
}

const LARGE_BYTES = 120 * 1024;

export function roleNameOf(account: ServiceAccountSpec): string {
  return `${account.namespace}-${account.name}-r${account.roleGeneration}`;
}

export function serviceAccountKey(account: { namespace: string; name: string }): string {
  return `${account.namespace}/${account.name}`;
}

/** The ServiceAccount object the chart holds: annotated with its role for IRSA, bare for EKS Pod Identity alone. */
export function serviceAccountObject(account: ServiceAccountSpec): KubeObject {
  const annotations = account.identity === 'pod' ? undefined : { 'eks.amazonaws.com/role-arn': `arn:aws:iam::111111111111:role/${roleNameOf(account)}` };
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: account.name, namespace: account.namespace, ...(annotations ? { annotations } : {}) } };
}

export function workloadObject(workload: WorkloadSpec): KubeObject {
  const metadata = { name: workload.name, namespace: workload.namespace };
  if (workload.kind === 'ConfigMap') {
    return { apiVersion: 'v1', kind: 'ConfigMap', metadata, data: { pad: 'x'.repeat(workload.large ? LARGE_BYTES : 64) } };
  }
  const labels = { app: workload.name };
  const serviceAccount = workload.serviceAccountName ? { serviceAccountName: workload.serviceAccountName } : {};
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata,
    // Valid for a real API server too (test/kube/deploy-replay.test.ts applies these).
    spec: { replicas: 0, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { ...serviceAccount, containers: [{ name: 'app', image: 'app' }] } } },
  };
}

/** A chart's objects as its publication renders them: ServiceAccounts first, then the rest in the order they were added. */
export function chartObjects(version: AppVersion, chart: string): KubeObject[] {
  return [
    ...version.serviceAccounts.filter(a => a.chart === chart).map(serviceAccountObject),
    ...version.workloads.filter(w => w.chart === chart).map(workloadObject),
  ];
}

export function chartsOf(version: AppVersion): string[] {
  return [...new Set([...version.serviceAccounts.map(a => a.chart), ...version.workloads.map(w => w.chart)])];
}

/** Every object of the version, by identity. */
export function objectsOf(version: AppVersion): Map<string, KubeObject> {
  return new Map(chartsOf(version).flatMap(chart => chartObjects(version, chart)).map(o => [objectKey(o), o]));
}

/** The manifest resources of one version, with their dependencies on roles and associations. */
export type ManifestPlanner = (version: AppVersion) => Map<string, ModelResource>;

export const roleId = (account: { namespace: string; name: string }) => `Role:${serviceAccountKey(account)}`;
export const associationId = (account: { namespace: string; name: string }) => `Association:${serviceAccountKey(account)}`;

/** The stack's template: a role per ServiceAccount, an association for EKS Pod Identity, and the planner's manifests. */
export function templateOf(version: AppVersion, planner: ManifestPlanner): ModelTemplate {
  const template = new Map<string, ModelResource>();
  for (const account of version.serviceAccounts) {
    template.set(roleId(account), { type: 'role', roleName: roleNameOf(account), dependsOn: [] });
    if (account.identity !== 'irsa') {
      template.set(associationId(account), {
        type: 'association', serviceAccount: serviceAccountKey(account), roleName: roleNameOf(account), dependsOn: [roleId(account)],
      });
    }
  }
  for (const [id, resource] of planner(version)) template.set(id, resource);
  return template;
}

/* Changes between deploys. */

const NAMESPACES = ['shop', 'ops'];
const NAMES = ['orders', 'billing', 'audit', 'reports', 'agent'];
const CHARTS = ['Irsa', 'workloads'];

export type Change =
  | { readonly type: 'add-service-account'; readonly account: ServiceAccountSpec; readonly at: number }
  | { readonly type: 'remove-service-account'; readonly index: number }
  | { readonly type: 'rename-service-account'; readonly index: number; readonly name: string }
  | { readonly type: 'replace-role'; readonly index: number }
  | { readonly type: 'move-service-account'; readonly index: number; readonly chart: string }
  | { readonly type: 'switch-identity'; readonly index: number; readonly identity: Identity }
  | { readonly type: 'add-workload'; readonly workload: WorkloadSpec; readonly at: number }
  | { readonly type: 'remove-workload'; readonly index: number }
  | { readonly type: 'resize-workload'; readonly index: number };

const identity = fc.constantFrom<Identity>('irsa', 'pod', 'both');
const account = fc.record({
  namespace: fc.constantFrom(...NAMESPACES),
  name: fc.constantFrom(...NAMES),
  chart: fc.constantFrom(...CHARTS),
  roleGeneration: fc.constant(0),
  identity,
});
const workload = fc.record({
  kind: fc.constantFrom<'Deployment' | 'ConfigMap'>('Deployment', 'ConfigMap'),
  namespace: fc.constantFrom(...NAMESPACES),
  name: fc.constantFrom('web', 'worker', 'settings', 'cache', 'assets', 'jobs', 'api', 'feed'),
  chart: fc.constantFrom(...CHARTS),
  large: fc.boolean(),
  serviceAccountName: fc.option(fc.constantFrom(...NAMES), { nil: undefined }),
});

export const changeArbitrary: fc.Arbitrary<Change> = fc.oneof(
  fc.record({ type: fc.constant('add-service-account' as const), account, at: fc.nat() }),
  fc.record({ type: fc.constant('remove-service-account' as const), index: fc.nat() }),
  fc.record({ type: fc.constant('rename-service-account' as const), index: fc.nat(), name: fc.constantFrom(...NAMES) }),
  fc.record({ type: fc.constant('replace-role' as const), index: fc.nat() }),
  fc.record({ type: fc.constant('move-service-account' as const), index: fc.nat(), chart: fc.constantFrom(...CHARTS) }),
  fc.record({ type: fc.constant('switch-identity' as const), index: fc.nat(), identity }),
  fc.record({ type: fc.constant('add-workload' as const), workload, at: fc.nat() }),
  fc.record({ type: fc.constant('remove-workload' as const), index: fc.nat() }),
  fc.record({ type: fc.constant('resize-workload' as const), index: fc.nat() }),
);

export const versionArbitrary: fc.Arbitrary<AppVersion> = fc.record({
  serviceAccounts: fc.array(account, { maxLength: 4 }),
  workloads: fc.array(workload, { maxLength: 8 }),
}).map(v => dedupe(v));

/** The version after a change; a change that does not apply (no such index) leaves it as it is. */
export function applyChange(version: AppVersion, change: Change): AppVersion {
  const accounts = [...version.serviceAccounts];
  const workloads = [...version.workloads];
  const at = (list: readonly unknown[], index: number) => (list.length === 0 ? -1 : index % list.length);
  switch (change.type) {
    case 'add-service-account': accounts.splice(change.at % (accounts.length + 1), 0, change.account); break;
    case 'add-workload': workloads.splice(change.at % (workloads.length + 1), 0, change.workload); break;
    case 'remove-workload': if (at(workloads, change.index) >= 0) workloads.splice(at(workloads, change.index), 1); break;
    case 'resize-workload': {
      const i = at(workloads, change.index);
      if (i >= 0) workloads[i] = { ...workloads[i], large: !workloads[i].large };
      break;
    }
    default: {
      const i = at(accounts, change.index);
      if (i < 0) break;
      const current = accounts[i];
      if (change.type === 'remove-service-account') accounts.splice(i, 1);
      else if (change.type === 'rename-service-account') accounts[i] = { ...current, name: change.name, roleGeneration: 0 };
      else if (change.type === 'replace-role') accounts[i] = { ...current, roleGeneration: current.roleGeneration + 1 };
      else if (change.type === 'move-service-account') accounts[i] = { ...current, chart: change.chart };
      else accounts[i] = { ...current, identity: change.identity };
    }
  }
  return dedupe({ serviceAccounts: accounts, workloads });
}

/** One object per identity, as cdk-irsa and Kubernetes require (issue 21 makes a second one an error at synthesis). */
function dedupe(version: AppVersion): AppVersion {
  const seen = new Set<string>();
  const first = (key: string) => (seen.has(key) ? false : (seen.add(key), true));
  return {
    serviceAccounts: version.serviceAccounts.filter(a => first(`sa/${serviceAccountKey(a)}`)),
    workloads: version.workloads.filter(w => first(`${w.kind}/${serviceAccountKey(w)}`)),
  };
}

/** A first version, the changes after it, the seed of the deploy orders, and where deploys fail. */
export const sequenceArbitrary = fc.tuple(
  versionArbitrary,
  fc.array(changeArbitrary, { minLength: 1, maxLength: 8 }),
  fc.integer(),
  // Most deploys succeed; some fail at one of their first operations and roll back.
  fc.array(fc.option(fc.nat({ max: 10 }), { nil: undefined, freq: 2 }), { minLength: 9, maxLength: 9 }),
);
