import { AppVersion, applyChange, Change, ManifestPlanner, objectsOf, roleNameOf, serviceAccountKey, templateOf } from './app-versions';
import { KubeObject, ModelCluster, objectKey } from './kubectl-handler';
import { deploy, DeployStep, ModelTemplate, ModelWorld } from './stack-update';

/*
 * The invariants of a deploy, checked while a sequence of app versions is deployed one over the other with the
 * CloudFormation and kubectl handler models, in a random dependency order and sometimes failing (then rolling back).
 * After every single resource operation: no object that both versions have is absent, no ServiceAccount names a role
 * that does not exist, and no ServiceAccount of EKS Pod Identity is applied before its association. After each deploy:
 * the cluster holds exactly the new version's objects (or, after a rollback, the old one's).
 */

const EMPTY: AppVersion = { serviceAccounts: [], workloads: [] };

/** A seeded generator in [0, 1) (Park and Miller's minimal standard), so a failing sequence replays exactly. */
function seeded(seed: number): () => number {
  let state = (Math.abs(Math.trunc(seed)) % 2147483646) + 1;
  return () => {
    state = (state * 16807) % 2147483647;
    return (state - 1) / 2147483646;
  };
}

/** Deploys `initial` and then each change; returns the first broken invariant, or undefined. */
export function firstViolation(
  planner: ManifestPlanner, initial: AppVersion, changes: Change[], seed: number, failures: Array<number | undefined>,
  cluster: ModelCluster = new ModelCluster(),
): string | undefined {
  const world: ModelWorld = { cluster, roles: new Set(), associations: new Map() };
  const random = seeded(seed);
  let deployed = EMPTY;
  let template: ModelTemplate = new Map();
  let next = initial;
  for (let i = 0; i <= changes.length; i++) {
    if (i > 0) next = applyChange(deployed, changes[i - 1]);
    const nextTemplate = templateOf(next, planner);
    const violations: string[] = [];
    const observe = (step: DeployStep, now: ModelWorld) => violations.push(...stepViolations(deployed, next, step, now)
      .map(v => `deploy ${i}, ${step.phase} ${step.operation} ${step.logicalId}: ${v}`));
    const outcome = deploy(world, template, nextTemplate, { random, failAt: failures[i], observe });
    if (violations.length > 0) return violations[0];
    const expected = outcome === 'UPDATE_COMPLETE' ? next : deployed;
    const end = endViolations(expected, world.cluster);
    if (end) return `deploy ${i} (${outcome}): ${end}`;
    if (outcome === 'UPDATE_COMPLETE') {
      deployed = next;
      template = nextTemplate;
    }
  }
  return undefined;
}

function stepViolations(previous: AppVersion, next: AppVersion, step: DeployStep, world: ModelWorld): string[] {
  const violations: string[] = [];
  const before = objectsOf(previous);
  for (const key of objectsOf(next).keys()) {
    if (before.has(key) && !world.cluster.objects.has(key)) violations.push(`${key} is in both versions and absent`);
  }
  for (const [key, live] of world.cluster.objects) {
    const roleArn = live.object.metadata.annotations?.['eks.amazonaws.com/role-arn'];
    if (roleArn !== undefined && !world.roles.has(roleArn.split('/').pop()!)) violations.push(`${key} names role ${roleArn}, which does not exist`);
  }
  if (step.resource.type === 'manifest' && step.operation !== 'delete') {
    const version = step.phase === 'rollback' ? previous : next;
    for (const object of step.resource.properties.objects.filter(o => o.kind === 'ServiceAccount')) {
      const account = version.serviceAccounts.find(a => serviceAccountKey(a) === `${object.metadata.namespace}/${object.metadata.name}`);
      if (account && account.identity !== 'irsa' && world.associations.get(serviceAccountKey(account)) !== roleNameOf(account)) {
        violations.push(`ServiceAccount ${serviceAccountKey(account)} is applied before its EKS Pod Identity association names ${roleNameOf(account)}`);
      }
    }
  }
  return violations;
}

function endViolations(expected: AppVersion, cluster: ModelCluster): string | undefined {
  const objects = objectsOf(expected);
  for (const [key, object] of objects) {
    const live = cluster.objects.get(key);
    if (!live) return `${key} is missing`;
    if (!sameObject(live.object, object)) return `${key} is not the version's object`;
  }
  const extra = [...cluster.objects.keys()].filter(key => !objects.has(key));
  return extra.length > 0 ? `${extra.join(', ')} should be gone` : undefined;
}

function sameObject(a: KubeObject, b: KubeObject): boolean {
  return JSON.stringify(a) === JSON.stringify(b) && objectKey(a) === objectKey(b);
}
