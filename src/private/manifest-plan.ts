import { createHash } from 'crypto';

/*
 * Which manifest resource applies which object, chosen so that a deploy never takes away an object that the old and
 * the new version both have. The kubectl handler deletes a removed manifest resource's objects by name (`kubectl delete
 * -f` with the manifest of the last deploy), whatever resource holds them now; so an object's resource is a function
 * of the object's identity alone, and is removed only once every object it held is gone:
 * - a ServiceAccount, a Namespace, a CustomResourceDefinition, and any kind that `kubectl apply --prune` does not delete
 *   (its default allowlist; ServiceAccounts and RBAC are not in it) get a resource each: removing the object removes
 *   its resource, whose delete is then exactly that object;
 * - the kinds it prunes go, per namespace, into one of BUCKETS resources by a hash of kind and name: removing one of
 *   them updates its resource, whose prune deletes it (a namespace's objects never share a resource with another
 *   namespace's, so the prune always visits the namespace).
 * Nothing moves when objects are added, removed or grow; resources apply in tiers: definitions (Namespaces, CRDs),
 * then ServiceAccounts, then everything else.
 */

/** How many resources share a namespace's prunable objects: 8 x 200 KiB per namespace before one warns. */
export const BUCKETS = 8;

/** The kinds `kubectl apply --prune` deletes by default (k8s.io/kubectl pkg/util/prune/prune.go), as `<group>/<kind>`. */
const PRUNED_KINDS = new Set([
  '/ConfigMap', '/Endpoints', '/PersistentVolumeClaim', '/Pod', '/ReplicationController', '/Secret', '/Service', 'batch/Job', 'batch/CronJob',
  'networking.k8s.io/Ingress', 'apps/DaemonSet', 'apps/Deployment', 'apps/ReplicaSet', 'apps/StatefulSet', '/PersistentVolume',
]);
/** The cluster-scoped kinds among them. */
const CLUSTER_SCOPED_KINDS = new Set(['/PersistentVolume']);
/** Kinds other objects live in or are instances of: applied before everything else. */
const DEFINITION_KINDS = new Set(['/Namespace', 'apiextensions.k8s.io/CustomResourceDefinition']);

/** The order resources apply in: each tier after every resource of the tiers before it. */
export enum ManifestTier {
  DEFINITIONS = 'Definitions',
  SERVICE_ACCOUNTS = 'ServiceAccounts',
  OBJECTS = 'Objects',
}

/** A Kubernetes object as cdk8s renders it. */
export interface PlannedObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
}

/** One manifest resource: its construct ID within its tier, and its objects in chart order. */
export interface PlannedManifest<T extends PlannedObject> {
  readonly tier: ManifestTier;
  readonly id: string;
  readonly objects: T[];
  /** Whether its updates must prune (a bucket); a resource of one object is removed with it instead. */
  readonly prunes: boolean;
}

/** Assigns objects to manifest resources by identity (see above); the plan lists resources in a stable order. */
export function planManifests<T extends PlannedObject>(objects: readonly T[]): PlannedManifest<T>[] {
  const planned = new Map<string, PlannedManifest<T>>();
  for (const object of objects) {
    const { tier, id, prunes } = placeOf(object);
    const key = `${tier}/${id}`;
    const manifest = planned.get(key) ?? { tier, id, objects: [], prunes };
    manifest.objects.push(object);
    planned.set(key, manifest);
  }
  const tiers = Object.values(ManifestTier);
  return [...planned.values()].sort((a, b) => tiers.indexOf(a.tier) - tiers.indexOf(b.tier) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** `<group>/<kind>` of an object: the group of its apiVersion (empty for the core group). */
export function groupKindOf(object: PlannedObject): string {
  const apiVersion = object.apiVersion ?? '';
  return `${apiVersion.includes('/') ? apiVersion.split('/')[0] : ''}/${object.kind ?? ''}`;
}

function placeOf(object: PlannedObject): { tier: ManifestTier; id: string; prunes: boolean } {
  const groupKind = groupKindOf(object);
  // kubectl puts an object of a namespaced kind that names no namespace in the kubeconfig's, "default" for aws-eks.
  const namespaced = groupKind === '/ServiceAccount' || (PRUNED_KINDS.has(groupKind) && !CLUSTER_SCOPED_KINDS.has(groupKind));
  const namespace = object.metadata?.namespace ?? (namespaced ? 'default' : '');
  const name = object.metadata?.name ?? '';
  // Neither ":" nor "/" is allowed in a Kubernetes name or namespace, so the IDs cannot collide.
  const own = `${groupKind.replace('/', ':')}:${namespace}:${name}`;
  if (DEFINITION_KINDS.has(groupKind)) return { tier: ManifestTier.DEFINITIONS, id: own, prunes: false };
  if (groupKind === '/ServiceAccount') return { tier: ManifestTier.SERVICE_ACCOUNTS, id: `${namespace}:${name}`, prunes: false };
  if (!PRUNED_KINDS.has(groupKind)) return { tier: ManifestTier.OBJECTS, id: own, prunes: false };
  const bucket = createHash('sha256').update(`${groupKind}:${name}`).digest().readUInt32BE(0) % BUCKETS;
  return { tier: ManifestTier.OBJECTS, id: `${namespace}:${bucket}`, prunes: true };
}
