import * as fs from 'fs';
import * as path from 'path';
import { Annotations, AspectPriority, Aspects, attachCustomSynthesis, IAspect, Stack, Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as cdk8s from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { fail } from './construct-error';

/** What a chart publication needs to know about each ServiceAccount in its chart. */
export interface PublishedServiceAccount {
  /** The construct that asked for the ServiceAccount, named in errors. */
  readonly owner: IConstruct;
  readonly namespace: string;
  readonly name: string;
  /** The role the ServiceAccount is annotated with; the manifest is applied after it exists. */
  readonly role: IConstruct;
  /** Set when the role ARN in the annotation is a deploy-time token, with the reason. */
  readonly roleArnUnknownBecause?: string;
}

const MANIFEST_SUFFIX = '.k8s.yaml';
const publications = new WeakMap<cdk8s.Chart, ChartPublication>();
const chartsByFile = new WeakMap<IConstruct, Map<string, cdk8s.Chart>>();

/**
 * Gets a cdk8s chart to where Kubernetes can read it: `<stack>.<chart>.k8s.yaml` in the cloud assembly on
 * every synth and, when the chart's ServiceAccounts belong to a cluster with kubectl access, the cluster on
 * `cdk deploy` (`cluster.addCdk8sChart`). There is one publication per chart, however many ServiceAccounts
 * (from however many IrsaServiceAccounts) it holds.
 *
 * `addCdk8sChart` copies the chart when it is called, so it is called once the app is complete: from an
 * aspect, which CDK runs before it synthesizes anything. That way the user's own workloads in the chart
 * (a Deployment using the ServiceAccount, say) are applied too.
 */
export class ChartPublication extends Construct {
  /** The publication of `chart`, created under `firstOwner` if the chart has none yet. */
  public static of(firstOwner: Construct, chart: cdk8s.Chart): ChartPublication {
    return publications.get(chart) ?? new ChartPublication(firstOwner, 'Manifest', chart);
  }

  /** The file name of the manifest in the cloud assembly directory. */
  public readonly fileName: string;
  private readonly chart: cdk8s.Chart;
  private readonly accounts: PublishedServiceAccount[] = [];
  private cluster?: eks.ICluster;
  private applied = false;
  private rendered?: string;

  private constructor(scope: Construct, id: string, chart: cdk8s.Chart) {
    super(scope, id);
    this.chart = chart;
    publications.set(chart, this);

    const chartName = chart.node.path.replace(/[^A-Za-z0-9._-]/g, '-');
    this.fileName = `${Stack.of(this).artifactId}.${chartName}${MANIFEST_SUFFIX}`;
    const root = this.node.root;
    const files = chartsByFile.get(root) ?? new Map<string, cdk8s.Chart>();
    chartsByFile.set(root, files);
    if (files.has(this.fileName)) {
      fail(scope, 'IrsaServiceAccount', `another cdk8s chart is already written to ${this.fileName}. ` +
        `Give the chart '${chart.node.path}' an id that no other chart with IRSA ServiceAccounts in this stack uses.`);
    }
    files.set(this.fileName, chart);

    this.node.addValidation({ validate: () => this.validateManifest() });
    attachCustomSynthesis(this, { onSynthesize: session => this.writeManifest(session.outdir) });
    Aspects.of(this).add(new ApplyWhenComplete(this), { priority: AspectPriority.MUTATING });
  }

  /** Records a ServiceAccount of the chart; the same namespace and name twice is an error. */
  public register(account: PublishedServiceAccount): void {
    const twin = this.accounts.find(a => a.namespace === account.namespace && a.name === account.name);
    if (twin) {
      fail(account.owner, 'IrsaServiceAccount', `the chart '${this.chart.node.path}' already has a ServiceAccount ` +
        `"${account.name}" in namespace "${account.namespace}" (from '${twin.owner.node.path}'). ` +
        'Kubernetes keeps one object per name and namespace: use another name, or give that ServiceAccount\'s role more permissions instead.');
    }
    this.accounts.push(account);
  }

  /** Applies the chart to `cluster` on deploy; a chart goes to one cluster only. */
  public applyWith(owner: IConstruct, cluster: eks.ICluster): void {
    if (this.cluster && this.cluster !== cluster) {
      fail(owner, 'IrsaServiceAccount', `the chart '${this.chart.node.path}' is already applied to cluster ` +
        `'${this.cluster.node.path}', not '${cluster.node.path}'. Use one chart per cluster.`);
    }
    this.cluster = cluster;
  }

  /** Creates the cluster's manifest resource once; called when the app is complete. */
  public applyIfNeeded(): void {
    if (!this.cluster || this.applied) return;
    this.applied = true;
    const id = `cdk-irsa-${this.fileName.slice(0, -MANIFEST_SUFFIX.length)}`;
    const manifest = this.cluster.addCdk8sChart(id, this.chart);
    for (const account of this.accounts) {
      manifest.node.addDependency(account.role);
    }
  }

  private render(): string {
    this.rendered ??= cdk8s.Yaml.stringify(...this.chart.toJson());
    return this.rendered;
  }

  private validateManifest(): string[] {
    if (this.cluster) {
      if (Token.isUnresolved(this.render())) {
        Annotations.of(this).addInfo(`${this.fileName} is not written to the cloud assembly: the chart holds ` +
          `deploy-time values. Cluster '${this.cluster.node.path}' applies it on deploy.`);
      }
      return [];
    }
    const unknown = this.accounts.filter(a => a.roleArnUnknownBecause !== undefined);
    if (unknown.length > 0) {
      return unknown.map(a => `ServiceAccount "${a.namespace}/${a.name}" (${a.owner.node.path}) cannot be written to ` +
        `${this.fileName}: its role ARN is only known at deploy time because ${a.roleArnUnknownBecause}. ` +
        'Set env: { account, region } on the stack, or pass `cluster` (an eks.ICluster with kubectl access) ' +
        'to the IrsaCluster so the manifest is applied on deploy.');
    }
    if (Token.isUnresolved(this.render())) {
      return [`the cdk8s chart '${this.chart.node.path}' contains values that are only known at deploy time ` +
        `(CDK tokens), so it cannot be written to ${this.fileName}. Use literal values in the chart, ` +
        'or pass `cluster` to the IrsaCluster so the chart is applied on deploy.'];
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
