/*
 * A model of what aws-cdk-lib's kubectl handler does to a cluster, read from its source: aws-cdk-lib
 * custom-resource-handlers/dist/aws-eks/kubectl-handler/apply/__init__.py (aws-eks-v2's differs only in how it logs in):
 * - Create: `kubectl apply -f` when Overwrite is true, else `kubectl create --save-config -f`, which fails for an object
 *   that exists (after creating the others);
 * - Update: `kubectl apply -f <new manifest> --prune -l <PruneLabel>` (without --prune when there is no label);
 * - Delete: `kubectl delete -f <the manifest of the last deploy>`, errors ignored.
 * What `--prune` deletes is kubectl's (k8s.io/kubectl pkg/cmd/apply/prune.go, pkg/util/prune/prune.go): objects with
 * the label and a last-applied annotation that the manifest does not hold, only of the default allowlist of kinds (no
 * ServiceAccount among them), and of namespaced kinds only in the namespaces the manifest's objects are in.
 */

/** A Kubernetes object as a manifest holds it. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
  };
  readonly [field: string]: unknown;
}

/** kubectl's default prune allowlist (pkg/util/prune/prune.go), as `<group>/<kind>`. */
const PRUNED_NAMESPACED = ['/ConfigMap', '/Endpoints', '/PersistentVolumeClaim', '/Pod', '/ReplicationController', '/Secret', '/Service',
  'batch/Job', 'batch/CronJob', 'networking.k8s.io/Ingress', 'apps/DaemonSet', 'apps/Deployment', 'apps/ReplicaSet', 'apps/StatefulSet'];
const PRUNED_CLUSTER_SCOPED = ['/Namespace', '/PersistentVolume'];

/** The identity of an object in a cluster: group, kind, namespace, name. */
export function objectKey(object: KubeObject): string {
  return `${groupOf(object)}/${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}

/** An object in the cluster: what was applied last, with the labels of the resource that applied it. */
export interface LiveObject {
  readonly object: KubeObject;
  readonly labels: Record<string, string>;
  /** Whether it has the last-applied annotation (`apply`, or `create --save-config`). */
  readonly lastApplied: boolean;
}

/** What one manifest resource asks of the handler. */
export interface ManifestProperties {
  readonly objects: readonly KubeObject[];
  /** The label aws-eks adds to every object when the cluster prunes (its default), and prunes by on update. */
  readonly pruneLabel?: string;
  readonly overwrite: boolean;
}

/** Raised when kubectl exits non-zero: CloudFormation sees the resource fail. */
export class KubectlFailure extends Error {}

/** A cluster's objects, changed only through the handler's three requests. */
export class ModelCluster {
  public readonly objects = new Map<string, LiveObject>();

  public create(properties: ManifestProperties): void {
    if (properties.overwrite) {
      this.apply(properties);
      return;
    }
    const existing = properties.objects.filter(o => this.objects.has(objectKey(o)));
    for (const object of properties.objects.filter(o => !this.objects.has(objectKey(o)))) this.write(object, properties.pruneLabel);
    if (existing.length > 0) throw new KubectlFailure(`kubectl create: AlreadyExists ${existing.map(objectKey).join(', ')}`);
  }

  public update(properties: ManifestProperties): void {
    this.apply(properties);
    if (properties.pruneLabel === undefined) return;
    const listed = new Set(properties.objects.map(objectKey));
    const visited = new Set(properties.objects.map(o => o.metadata.namespace).filter(n => n !== undefined));
    for (const [key, live] of [...this.objects]) {
      const { object } = live;
      const kind = `${groupOf(object)}/${object.kind}`;
      const namespace = object.metadata.namespace;
      const prunable = namespace === undefined ? PRUNED_CLUSTER_SCOPED.includes(kind) : PRUNED_NAMESPACED.includes(kind) && visited.has(namespace);
      if (prunable && live.lastApplied && properties.pruneLabel in live.labels && !listed.has(key)) this.objects.delete(key);
    }
  }

  public delete(properties: ManifestProperties): void {
    for (const object of properties.objects) this.objects.delete(objectKey(object));
  }

  /** `kubectl apply`: every object as listed, its labels those of the manifest (the three-way merge drops the old ones). */
  private apply(properties: ManifestProperties): void {
    for (const object of properties.objects) this.write(object, properties.pruneLabel);
  }

  private write(object: KubeObject, pruneLabel: string | undefined): void {
    this.objects.set(objectKey(object), { object, labels: pruneLabel === undefined ? {} : { [pruneLabel]: '' }, lastApplied: true });
  }
}

function groupOf(object: KubeObject): string {
  return object.apiVersion.includes('/') ? object.apiVersion.split('/')[0] : '';
}
