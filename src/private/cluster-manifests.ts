import { Annotations, CfnResource, Stack } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { fail } from './construct-error';
import { ManifestTarget } from './eks-cluster';
import { MANIFEST_PART_BYTES, manifestBytes } from './manifest-parts';
import { BUCKETS, groupKindOf, ManifestTier, planManifests, PlannedObject } from './manifest-plan';
import { serviceAccountNames } from './service-accounts-first';

/** A chart's objects as one publication hands them over. */
export interface ChartObjects {
  /** The chart as error messages name it. */
  readonly description: string;
  /** The construct that is blamed for a clash (the publication). */
  readonly owner: IConstruct;
  /** Its objects, as cdk8s renders them; the resources apply these very objects (aws-eks labels them). */
  readonly objects: any[];
  /** What each ServiceAccount's manifest must wait for: its role (in this stack) and its EKS Pod Identity association. */
  readonly dependenciesOf: (namespace: string, name: string) => IConstruct[];
}

const byCluster = new WeakMap<IConstruct, Map<Stack, ClusterManifests>>();
const PRUNE_LABEL_PREFIX = 'aws.cdk.eks/prune-';
const MANIFEST_RESOURCE_TYPE = 'Custom::AWSCDK-EKS-KubernetesResource';

/**
 * The manifest resources of one kubectl cluster in one stack, holding the objects of every chart applied there, each
 * placed by its identity (manifest-plan.ts) so that no deploy takes away an object two versions share: a resource per
 * ServiceAccount (after its role and association), per definition and per kind kubectl does not prune, and per
 * namespace a few shared resources that prune. They live in the stack, named after the cluster, never in a chart's
 * publication: moving a ServiceAccount or workload to another chart of the same cluster and stack leaves it where it is.
 */
export class ClusterManifests extends Construct {
  /** The manifests of `target`'s cluster in `stack`. */
  public static of(stack: Stack, target: ManifestTarget): ClusterManifests {
    const byStack = byCluster.get(target.cluster) ?? new Map<Stack, ClusterManifests>();
    byCluster.set(target.cluster, byStack);
    let manifests = byStack.get(stack);
    if (!manifests) {
      manifests = new ClusterManifests(stack, `${pathFrom(stack, target.cluster)}.manifests`, target);
      byStack.set(stack, manifests);
    }
    return manifests;
  }

  private readonly tiers = new Map<ManifestTier, Construct>();
  /** Each resource's objects (the array it renders, so objects of a later chart join it) and its prune label. */
  private readonly resources = new Map<string, { objects: any[]; pruneLabel?: string; warned: boolean }>();
  /** Which chart each object came from, by identity. */
  private readonly owners = new Map<string, string>();
  /** `<namespace>/<name>` of the ServiceAccounts applied here, known from construction on. */
  private readonly serviceAccountKeys = new Set<string>();
  private othersOrdered = false;

  private constructor(scope: Stack, id: string, private readonly target: ManifestTarget) {
    super(scope, id);
    let earlier: Construct[] = [];
    for (const tier of Object.values(ManifestTier)) {
      const construct = new Construct(this, tier);
      for (const before of earlier) construct.node.addDependency(before);
      this.tiers.set(tier, construct);
      earlier = [...earlier, construct];
    }
  }

  /** The construct holding every ServiceAccount's manifest resource: what a workload applied otherwise waits for. */
  public get serviceAccounts(): IConstruct {
    return this.tiers.get(ManifestTier.SERVICE_ACCOUNTS)!;
  }

  /** Records a ServiceAccount that a chart will bring, so that manifests of others that run as it wait for it. */
  public expectServiceAccount(namespace: string, name: string): void {
    this.serviceAccountKeys.add(`${namespace}/${name}`);
  }

  /** Adds one chart's objects: to a resource of their own, or to their namespace's shared resource. */
  public add(chart: ChartObjects): void {
    this.orderOtherManifests();
    for (const object of chart.objects) this.claim(chart, object);
    for (const planned of planManifests(chart.objects)) {
      const key = `${planned.tier}/${planned.id}`;
      const existing = this.resources.get(key);
      if (existing) {
        // A shared resource another chart created: its objects carry its prune label too.
        for (const object of planned.objects) existing.objects.push(withLabel(object, existing.pruneLabel));
        this.warnIfLarge(key, planned.id);
        continue;
      }
      const objects = [...planned.objects];
      const manifest = this.target.apply(this.tiers.get(planned.tier)!, planned.id, objects, {
        overwrite: true,
        // A resource of one object is removed with it (its delete is that object); only shared ones prune.
        prune: planned.prunes ? undefined : false,
      });
      const pruneLabel = Object.keys(objects[0]?.metadata?.labels ?? {}).find(label => label.startsWith(PRUNE_LABEL_PREFIX));
      this.resources.set(key, { objects, pruneLabel, warned: false });
      if (planned.tier === ManifestTier.SERVICE_ACCOUNTS) {
        const { namespace, name } = planned.objects[0].metadata;
        for (const dependency of chart.dependenciesOf(namespace, name)) manifest.node.addDependency(dependency);
      }
      this.warnIfLarge(key, planned.id);
    }
  }

  /**
   * Makes every other manifest resource of this stack and cluster (`cluster.addManifest`, `cluster.addCdk8sChart`)
   * that runs pods as one of these ServiceAccounts wait for the ServiceAccounts. Their manifests are read from the
   * resource (aws-cdk-lib keeps no public handle on them); one only known at deploy time, or another stack's, is left
   * to `IrsaServiceAccount.applyBefore`.
   */
  private orderOtherManifests(): void {
    if (this.othersOrdered) return;
    this.othersOrdered = true;
    const stack = Stack.of(this);
    const clusterName = stack.resolve((this.target.cluster as { clusterName?: string }).clusterName);
    for (const resource of stack.node.findAll().filter(CfnResource.isCfnResource)) {
      if (resource.cfnResourceType !== MANIFEST_RESOURCE_TYPE || resource.node.scopes.includes(this) || Stack.of(resource) !== stack) continue;
      const properties = (resource as unknown as { _cfnProperties?: Record<string, unknown> })._cfnProperties ?? {};
      const manifest = stack.resolve(properties.Manifest);
      if (typeof manifest !== 'string' || JSON.stringify(stack.resolve(properties.ClusterName)) !== JSON.stringify(clusterName)) continue;
      const objects = JSON.parse(manifest) as PlannedObject[];
      const runsAsOurs = objects.some(object => [...serviceAccountNames(object)]
        .some(name => this.serviceAccountKeys.has(`${object.metadata?.namespace ?? 'default'}/${name}`)));
      if (runsAsOurs) resource.node.addDependency(this.serviceAccounts);
    }
  }

  /** One object per identity in a cluster and stack: a second one would silently replace the first on every deploy. */
  private claim(chart: ChartObjects, object: PlannedObject): void {
    const key = `${groupKindOf(object)}/${object.metadata?.namespace ?? ''}/${object.metadata?.name}`;
    const other = this.owners.get(key);
    if (other !== undefined) {
      const where = object.metadata?.namespace ? ` in namespace "${object.metadata.namespace}"` : '';
      // A chart's own twins are refused before (ChartPublication): this is another chart's.
      fail(chart.owner, 'IrsaServiceAccount', `${chart.description} and ${other} both hold ${object.kind} "${object.metadata?.name}"${where}, ` +
        `applied to cluster '${this.target.cluster.node.path}' from stack ` +
        `'${Stack.of(this).node.path}'. Kubernetes keeps one object per kind, namespace and name, and the last apply would win: keep one.`);
    }
    this.owners.set(key, chart.description);
  }

  private warnIfLarge(key: string, id: string): void {
    const resource = this.resources.get(key)!;
    const size = resource.objects.reduce((total, object) => total + manifestBytes(object), 2);
    if (size <= MANIFEST_PART_BYTES || resource.warned) return;
    resource.warned = true;
    const what = resource.objects.length === 1
      ? `${resource.objects[0].kind} "${resource.objects[0].metadata?.namespace ?? ''}/${resource.objects[0].metadata?.name}" is`
      : `the objects of namespace "${id.split(':')[0]}" that share resource ${id} (one of ${BUCKETS} per namespace, by kind and name) are`;
    Annotations.of(this).addWarningV2('cdk-irsa:manifestSize', `${what} about ${size} bytes, more than one manifest resource takes ` +
      `(${MANIFEST_PART_BYTES}); an update, which sends the manifest twice, fails above Lambda's 1 MB limit for asynchronous requests.`);
  }
}

/** The object with `label` among its labels, as aws-eks labels the objects it applies. */
function withLabel(object: any, label: string | undefined): any {
  if (label === undefined) return object;
  object.metadata ??= {};
  object.metadata.labels = { [label]: '', ...object.metadata.labels };
  return object;
}

/** The construct path of `construct` from `stack` when it is inside it, from the app otherwise, joined with `-`. */
export function pathFrom(stack: Stack, construct: IConstruct): string {
  const scopes = construct.node.scopes;
  const inStack = scopes.indexOf(stack);
  return scopes.slice(inStack >= 0 ? inStack + 1 : 1).map(c => c.node.id).join('-');
}
