import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { IrsaAddon } from './irsa-addon';
import type { IIrsaCluster } from './irsa-cluster';
import { IrsaServiceAccountIdentityOptions, IrsaServiceAccountRole } from './irsa-service-account-role';
import { fail } from './private/construct-error';
import { mergeHelmValues } from './private/helm-values';

const KIND = 'IrsaAddonRole';

/**
 * Options for the role of an add-on.
 */
export interface IrsaAddonRoleOptions extends IrsaServiceAccountIdentityOptions {
  /**
   * The namespace the add-on is installed into.
   *
   * @default - the add-on's default namespace (`IrsaAddon.defaultNamespace`)
   */
  readonly namespace?: string;

  /**
   * The name of the add-on's ServiceAccount, when it is installed with another one; only for add-ons with one
   * ServiceAccount. `helmValues()` tells the chart to use it.
   *
   * @default - the add-on's own (`IrsaAddon.serviceAccountNames`)
   */
  readonly serviceAccountName?: string;
}

/**
 * Properties of an IrsaAddonRole.
 */
export interface IrsaAddonRoleProps extends IrsaAddonRoleOptions {
  /**
   * The OIDC issuer whose tokens the role trusts.
   */
  readonly cluster: IIrsaCluster;

  /**
   * The add-on, such as `IrsaAddon.awsLoadBalancerController()`.
   */
  readonly addon: IrsaAddon;
}

/**
 * The role of an add-on that its Helm chart or EKS add-on uses: an `IrsaServiceAccountRole` that trusts exactly the
 * add-on's ServiceAccounts and holds the add-on's least-privilege permissions (AWS managed policies, and the add-on's
 * own statements in the inline policy `AddonPolicy`).
 *
 * Give the chart `helmValues()`, or the EKS add-on `role.roleArn` as its `serviceAccountRoleArn`.
 *
 * @example
 * declare const cluster: eks.Cluster;
 * declare const irsa: IrsaCluster;
 * declare const zone: route53.IHostedZone;
 * const dns = irsa.addAddonRole('ExternalDns', IrsaAddon.externalDns({ hostedZones: [zone] }));
 * cluster.addHelmChart('ExternalDnsChart', {
 *   chart: 'external-dns',
 *   repository: 'https://kubernetes-sigs.github.io/external-dns/',
 *   namespace: dns.serviceAccountNamespace,
 *   values: dns.helmValues(),
 * });
 */
export class IrsaAddonRole extends IrsaServiceAccountRole {
  /** The add-on this role is for. */
  public readonly addon: IrsaAddon;

  /**
   * The name of the EKS add-on, for `eks.CfnAddon` `addonName`.
   *
   * @default - none: the add-on is installed with Helm
   */
  public readonly eksAddonName?: string;

  /** Every ServiceAccount the role trusts, by name, in `serviceAccountNamespace`. */
  public readonly serviceAccountNames: string[];

  constructor(scope: Construct, id: string, props: IrsaAddonRoleProps) {
    const { addon, namespace, serviceAccountName, ...roleProps } = props;
    const definition = addon._definition;
    super(scope, id, { ...roleProps, name: serviceAccountName ?? definition.serviceAccountNames[0], namespace: namespace ?? definition.namespace });
    if (serviceAccountName !== undefined && definition.serviceAccountNames.length > 1) {
      fail(this, KIND, `serviceAccountName is set, but ${definition.name} has ${definition.serviceAccountNames.length} ServiceAccounts ` +
        `(${definition.serviceAccountNames.join(', ')}), which the role trusts by their own names. Leave serviceAccountName out.`);
    }
    if (props.targetRole) {
      fail(this, KIND, `targetRole is set, but ${definition.name} acts on the resources of the cluster's account with the policy this role ` +
        'carries, which a target role would leave unused. Leave targetRole out; for resources in another account, make an ' +
        'IrsaServiceAccountRole with the targetRole and grant the target what the add-on needs.');
    }
    this.serviceAccountNames = [this.serviceAccountName, ...definition.serviceAccountNames.slice(1)];
    for (const name of this.serviceAccountNames.slice(1)) this.trust(props.cluster, { name });

    for (const name of definition.managedPolicyNames) this.role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName(name));
    const statements = definition.statements(this);
    if (statements.length > 0) new iam.Policy(this, 'AddonPolicy', { statements, roles: [this.role] });
    this.addon = addon;
    this.eksAddonName = definition.eksAddonName;
  }

  /**
   * The values of the add-on's own Helm chart that make it use this role, in that chart's layout (nested objects:
   * for example `{ serviceAccount: { create, name, annotations }, clusterName }`). Merge your own values into it.
   */
  public helmValues(): Record<string, any> {
    return this.addon._definition.helmValues(this.serviceAccountNames.map(name => ({ name, annotations: this.serviceAccountAnnotations })));
  }

  /**
   * Installs the add-on's Helm chart with the cluster that applies this issuer's manifests (`IrsaClusterProps.cluster`),
   * in the role's namespace, with `helmValues()` merged into `options.values`, after the role and its permissions
   * exist (a literal role ARN in the values is no CloudFormation reference, so nothing else would order them).
   *
   * A value of `options.values` that `helmValues()` sets differently is an error, and so is an IrsaCluster that applies
   * its manifests through an aws-eks-v2 cluster: install the chart with that cluster's `addHelmChart` instead.
   */
  public addHelmChart(id: string, options: eks.HelmChartOptions): eks.HelmChart {
    const kubectlCluster = this._cluster.kubectlCluster;
    if (!kubectlCluster && this._cluster.eksV2KubectlCluster) {
      // aws-eks-v2's HelmChart is another type, and jsii has no overloads or unions to return either.
      fail(this, KIND, 'addHelmChart takes aws-eks clusters, and this role\'s IrsaCluster applies manifests through an aws-eks-v2 ' +
        'cluster. Install the chart with that cluster\'s addHelmChart, with `values: role.helmValues()` and `chart.node.addDependency(role)`.');
    }
    if (!kubectlCluster) {
      fail(this, KIND, 'addHelmChart needs a cluster with kubectl access, and this role\'s IrsaCluster has none. Pass `cluster` ' +
        '(an eks.ICluster with kubectl access) to the IrsaCluster, or install the chart yourself with `values: role.helmValues()` ' +
        'and `chart.node.addDependency(role)`.');
    }
    if (options.namespace !== undefined && options.namespace !== this.serviceAccountNamespace) {
      fail(this, KIND, `the chart would be installed in namespace "${options.namespace}", but the role trusts ServiceAccounts in ` +
        `"${this.serviceAccountNamespace}". Pass namespace: "${options.namespace}" to addAddonRole instead.`);
    }
    const { merged, conflicts } = mergeHelmValues(options.values ?? {}, this.helmValues());
    if (conflicts.length > 0) {
      fail(this, KIND, `the Helm values ${conflicts.map(c => `"${c}"`).join(', ')} are set by helmValues(), which the role needs as they ` +
        'are. Leave them out of options.values.');
    }
    // The namespace last: an explicit `namespace: undefined` would otherwise install the chart in `default`.
    const chart = kubectlCluster.addHelmChart(id, { ...options, namespace: this.serviceAccountNamespace, values: merged });
    chart.node.addDependency(this);
    return chart;
  }

  /** @internal */
  protected get _kind(): string {
    return KIND;
  }
}
