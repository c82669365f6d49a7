import * as fs from 'fs';
import * as path from 'path';
import { Annotations, AspectPriority, Aspects, attachCustomSynthesis, IAspect, Stack, Token } from 'aws-cdk-lib';
import * as cdk8s from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { ClusterManifests, pathFrom } from './cluster-manifests';
import { fail } from './construct-error';
import { deployTimeField, objectName } from './deploy-time-field';
import { ManifestTarget } from './eks-cluster';
import { orderServiceAccountsFirst } from './service-accounts-first';

/** What a chart publication needs to know about each ServiceAccount in its chart. */
export interface PublishedServiceAccount {
  /** The construct that asked for the ServiceAccount, named in errors. */
  readonly owner: IConstruct;
  readonly namespace: string;
  readonly name: string;
  /**
   * What the ServiceAccount's manifest is applied after: its role (unless it is an existing role of another stack,
   * which exists before and whose stack may depend on this one) and its EKS Pod Identity association.
   */
  readonly dependencies: IConstruct[];
  /** Set when the role ARN in the annotation is a deploy-time token, with the reason. */
  readonly roleArnUnknownBecause?: string;
  /** How to make the ServiceAccount's cluster apply the chart on deploy, for errors when it does not. */
  readonly howToApply: string;
}

const MANIFEST_SUFFIX = '.k8s.yaml';
const publications = new WeakMap<cdk8s.Chart, ChartPublication>();
const defaultPublications = new WeakMap<IConstruct, Map<Stack, ChartPublication>>();

/**
 * Gets a cdk8s chart to where Kubernetes can read it: `<stack>.<chart>.k8s.yaml` in the cloud assembly on
 * every synth and, when the chart's ServiceAccounts belong to a cluster with kubectl access, the cluster on
 * `cdk deploy`. There is one publication per chart, however many ServiceAccounts (from however many
 * IrsaServiceAccounts) it holds, and its ServiceAccounts come before the objects that use them.
 *
 * A publication is a child of the stack named after the file it writes (`<chart>.k8s.yaml`), never of a
 * ServiceAccount. It hands the chart's objects to the manifest resources of its cluster in that stack
 * (ClusterManifests), which place each object by its identity; being in the ServiceAccounts' stack keeps those next to
 * the roles they depend on when the kubectl cluster is defined in another stack.
 *
 * The chart is applied once the app is complete, from an aspect, which CDK runs before it synthesizes anything.
 * That way the user's own workloads in the chart (a Deployment using the ServiceAccount, say) are applied too.
 */
export class ChartPublication extends Construct {
  /** The publication of a chart the user passed, created in the stack of `owner` if the chart has none yet. */
  public static of(owner: Construct, chart: cdk8s.Chart): ChartPublication {
    return publications.get(chart) ?? ChartPublication.create(owner, chart, `the chart '${chart.node.path}'`);
  }

  /**
   * The default chart of `cluster` in the stack of `owner`, shared by every ServiceAccount of that cluster and
   * stack that has no chart of its own. It is named after the cluster's path in the stack (`Irsa`), or in the app
   * when the cluster belongs to another stack (`Platform-Irsa`).
   */
  public static defaultFor(owner: Construct, cluster: IConstruct): ChartPublication {
    const stack = Stack.of(owner);
    const byStack = defaultPublications.get(cluster) ?? new Map<Stack, ChartPublication>();
    defaultPublications.set(cluster, byStack);
    let publication = byStack.get(stack);
    if (!publication) {
      const chart = new cdk8s.Chart(new cdk8s.App(), pathFrom(stack, cluster));
      publication = ChartPublication.create(owner, chart, `the default chart of cluster '${cluster.node.path}'`);
      byStack.set(stack, publication);
    }
    return publication;
  }

  private static create(owner: Construct, chart: cdk8s.Chart, description: string): ChartPublication {
    const stack = Stack.of(owner);
    const id = `${chart.node.path.replace(/[^A-Za-z0-9._-]/g, '-')}${MANIFEST_SUFFIX}`;
    const fileName = `${stack.artifactId}.${id}`;
    if (stack.node.tryFindChild(id)) {
      fail(owner, 'IrsaServiceAccount', `another cdk8s chart is already written to ${fileName}. ` +
        `Give the chart '${chart.node.path}' an id that no other chart with IRSA ServiceAccounts in this stack uses.`);
    }
    return new ChartPublication(stack, id, chart, fileName, description);
  }

  /** The chart this publication writes and applies. */
  public readonly chart: cdk8s.Chart;
  /** The file name of the manifest in the cloud assembly directory. */
  public readonly fileName: string;
  /** The chart as error messages name it. */
  private readonly description: string;
  private readonly accounts = new Map<string, PublishedServiceAccount>();
  private target?: ManifestTarget;
  private applied = false;
  private objects?: any[];
  private rendered?: string;

  private constructor(scope: Stack, id: string, chart: cdk8s.Chart, fileName: string, description: string) {
    super(scope, id);
    this.chart = chart;
    this.fileName = fileName;
    this.description = description;
    publications.set(chart, this);

    this.node.addValidation({ validate: () => this.validateManifest() });
    attachCustomSynthesis(this, { onSynthesize: session => this.writeManifest(session.outdir) });
    Aspects.of(this).add(new ApplyWhenComplete(this), { priority: AspectPriority.MUTATING });
  }

  /** Records a ServiceAccount of the chart (its owner is unique in the cluster: service-account-owners.ts). */
  public register(account: PublishedServiceAccount): void {
    this.accounts.set(objectKey(account.namespace, account.name), account);
  }

  /** Applies the chart to the target's cluster on deploy; a chart goes to one cluster only. */
  public applyWith(owner: IConstruct, target: ManifestTarget): void {
    if (this.target && this.target.cluster !== target.cluster) {
      fail(owner, 'IrsaServiceAccount', `${this.description} is already applied to cluster ` +
        `'${this.target.cluster.node.path}', not '${target.cluster.node.path}'. Use one chart per cluster.`);
    }
    this.target ??= target;
  }

  /** The manifest resources of the cluster that applies this chart, from this stack; undefined when none does. */
  public get clusterManifests(): ClusterManifests | undefined {
    return this.target ? ClusterManifests.of(Stack.of(this), this.target) : undefined;
  }

  /**
   * Hands the chart's objects to the manifest resources of its cluster in this stack once; called when the app is
   * complete. Each object goes to a resource chosen by its identity (ClusterManifests), so that no deploy takes away an
   * object that the old and the new version share; a ServiceAccount's resource waits for its role and association.
   */
  public applyIfNeeded(): void {
    if (!this.target || this.applied) return;
    this.applied = true;
    const objects = this.chartObjects();
    // Rendered before aws-eks adds its prune label to the objects: the file stays as cdk8s wrote it.
    this.render();
    this.clusterManifests!.add({
      description: this.description,
      owner: this,
      objects,
      dependenciesOf: (namespace, name) => this.accounts.get(objectKey(namespace, name))?.dependencies ?? [],
    });
  }

  /** The chart's objects, ServiceAccounts first; rendered once, when the chart is complete. */
  private chartObjects(): any[] {
    if (!this.objects) {
      for (const use of orderServiceAccountsFirst(this.chart)) {
        Annotations.of(this).addWarningV2('cdk-irsa:serviceAccountNamespace', `${use.object} runs as ServiceAccount "${use.name}" of ` +
          `namespace "${use.namespace}", which ${this.description} does not hold; it holds "${use.name}" in ${use.namespaces.map(n => `"${n}"`).join(', ')}. ` +
          'Pods run as a ServiceAccount of their own namespace: put the workload in that namespace, or the ServiceAccount in its.');
      }
      this.objects = this.chart.toJson();
      this.refuseTwins(this.objects);
    }
    return this.objects;
  }

  /** One object per kind, namespace and name: a chart that holds two would have the second replace the first. */
  private refuseTwins(objects: any[]): void {
    const seen = new Set<string>();
    for (const object of objects) {
      const key = `${object.apiVersion}/${object.kind}/${object.metadata?.namespace ?? ''}/${object.metadata?.name}`;
      if (seen.has(key)) {
        const where = object.metadata?.namespace ? ` in namespace "${object.metadata.namespace}"` : '';
        fail(this, 'IrsaServiceAccount', `${this.description} holds ${object.kind} "${object.metadata?.name}"${where} twice; Kubernetes ` +
          'keeps one object per kind, namespace and name, so the second would replace the first. Keep one (for a ServiceAccount of ' +
          'cdk-irsa, remove your own).');
      }
      seen.add(key);
    }
  }

  private render(): string {
    this.rendered ??= cdk8s.Yaml.stringify(...this.chartObjects());
    return this.rendered;
  }

  private validateManifest(): string[] {
    if (this.target) {
      if (Token.isUnresolved(this.render())) {
        Annotations.of(this).addInfo(`${this.fileName} is not written to the cloud assembly: the chart holds ` +
          `deploy-time values. Cluster '${this.target.cluster.node.path}' applies it on deploy.`);
      }
      return [];
    }
    const unknown = [...this.accounts.values()].filter(a => a.roleArnUnknownBecause !== undefined);
    if (unknown.length > 0) {
      return unknown.map(a => `ServiceAccount "${a.namespace}/${a.name}" (${a.owner.node.path}) cannot be written to ` +
        `${this.fileName}: its role ARN is only known at deploy time because ${a.roleArnUnknownBecause}. ` +
        `Set env: { account, region } on the stack. ${a.howToApply}`);
    }
    if (Token.isUnresolved(this.render())) {
      const object = this.chartObjects().find(o => deployTimeField(o) !== undefined);
      const where = object ? `${objectName(object)} holds one at ${deployTimeField(object)}` : 'its objects hold one';
      const howToApply = [...this.accounts.values()][0]?.howToApply ?? '';
      return [`${this.description} cannot be written to ${this.fileName}, because a file cannot hold a value that is only ` +
        `known at deploy time (a CDK token), and ${where}. Use a literal value there. ${howToApply}`.trimEnd()];
    }
    return [];
  }

  private writeManifest(outdir: string): void {
    const yaml = this.render();
    // Only a chart that a cluster applies gets here with tokens (validation fails otherwise): the deploy
    // resolves them, a file could not.
    if (Token.isUnresolved(yaml)) return;
    fs.writeFileSync(path.join(outdir, this.fileName), yaml);
  }
}

class ApplyWhenComplete implements IAspect {
  constructor(private readonly publication: ChartPublication) {}

  public visit(node: IConstruct): void {
    if (node === this.publication) this.publication.applyIfNeeded();
  }
}

function objectKey(namespace: string | undefined, name: string | undefined): string {
  return `${namespace}/${name}`;
}
