import { createHash } from 'crypto';
import { AppVersion, associationId, chartObjects, chartsOf, ManifestPlanner, roleId, serviceAccountKey } from './app-versions';
import { KubeObject } from './kubectl-handler';
import { ModelResource } from './stack-update';
import { manifestBytes } from '../../../src/private/manifest-parts';
import { ManifestTier, planManifests } from '../../../src/private/manifest-plan';

/*
 * How an app version becomes manifest resources: cdk-irsa's plan (src/private/manifest-plan.ts, with the dependencies
 * src/private/cluster-manifests.ts gives its resources), and, for the record, the plan of main before issue 21 (each
 * chart cut in order into parts of at most 200 KiB, `Resource`, `Resource2`, ..., each after the one before it and the
 * roles of its ServiceAccounts, created without Overwrite), which the model must keep catching.
 */

/** The prune label aws-eks gives a manifest resource: one per resource, from its construct address (c8 and 40 hex digits). */
const pruneLabelOf = (id: string) => `aws.cdk.eks/prune-c8${createHash('sha1').update(id).digest('hex')}`;

/** cdk-irsa's plan: objects placed by identity, tiers in order, a ServiceAccount after its role and association. */
export const clusterManifestsPlanner: ManifestPlanner = version => {
  const objects = chartsOf(version).flatMap(chart => chartObjects(version, chart));
  const planned = planManifests(objects);
  const resources = new Map<string, ModelResource>();
  const tiers = Object.values(ManifestTier);
  const idOf = (tier: ManifestTier, id: string) => `Manifests/${tier}/${id}`;
  for (const manifest of planned) {
    const id = idOf(manifest.tier, manifest.id);
    const earlier = planned.filter(p => tiers.indexOf(p.tier) < tiers.indexOf(manifest.tier)).map(p => idOf(p.tier, p.id));
    resources.set(id, {
      type: 'manifest',
      properties: { objects: manifest.objects, pruneLabel: manifest.prunes ? pruneLabelOf(id) : undefined, overwrite: true },
      dependsOn: [...earlier, ...manifest.objects.flatMap(o => accountDependencies(version, o))],
    });
  }
  return resources;
};

/** main before issue 21: per chart, consecutive parts in chart order, each after the previous one and its roles. */
export const consecutivePartsPlanner: ManifestPlanner = version => {
  const resources = new Map<string, ModelResource>();
  for (const chart of chartsOf(version)) {
    const objects = chartObjects(version, chart);
    let previous: string | undefined;
    splitIntoParts(objects, objects.map(manifestBytes)).forEach((part, i) => {
      const id = `${chart}.k8s.yaml/Resource${i === 0 ? '' : i + 1}`;
      const roles = part.filter(o => o.kind === 'ServiceAccount').map(o => roleId(keyOf(o)));
      resources.set(id, {
        type: 'manifest',
        properties: { objects: part, pruneLabel: pruneLabelOf(id), overwrite: false },
        dependsOn: [...(previous ? [previous] : []), ...roles],
      });
      previous = id;
    });
  }
  return resources;
};

/** A ServiceAccount's manifest waits for its role and, with EKS Pod Identity, its association. */
function accountDependencies(version: AppVersion, object: KubeObject): string[] {
  if (object.kind !== 'ServiceAccount') return [];
  const account = version.serviceAccounts.find(a => serviceAccountKey(a) === serviceAccountKey(keyOf(object)))!;
  return account.identity === 'irsa' ? [roleId(account)] : [roleId(account), associationId(account)];
}

function keyOf(object: KubeObject): { namespace: string; name: string } {
  return { namespace: object.metadata.namespace ?? '', name: object.metadata.name };
}

/**
 * Splits `objects` into as few consecutive parts as fit `budget`, keeping their order: a part is closed when the
 * next object would not fit. Adding objects at the end changes only the last part; an object larger than the
 * budget gets a part of its own.
 */
function splitIntoParts<T>(objects: readonly T[], sizes: readonly number[], budget: number = 200 * 1024): T[][] {
  const parts: T[][] = [];
  let part: T[] = [];
  let size = 2; // []
  objects.forEach((object, i) => {
    if (part.length > 0 && size + sizes[i] > budget) {
      parts.push(part);
      part = [];
      size = 2;
    }
    part.push(object);
    size += sizes[i];
  });
  if (part.length > 0) parts.push(part);
  return parts;
}
