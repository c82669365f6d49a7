import { Stack } from 'aws-cdk-lib';
import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct, IConstruct } from 'constructs';
import type { IIrsaCluster } from './irsa-cluster';
import { IrsaServiceAccountRole, IrsaServiceAccountRoleOptions } from './irsa-service-account-role';
import { ChartPublication } from './private/chart-publication';
import { fail } from './private/construct-error';
import { eksManifestTarget, eksV2ManifestTarget } from './private/eks-cluster';
import { howToApplyManifests } from './private/manifest-apply-advice';
import { validateLabelValue, validateMetadataKey } from './private/validate-kubernetes';
import { ServiceAccountIdentity } from './service-account-identity';

const KIND = 'IrsaServiceAccount';

/**
 * Options for a ServiceAccount whose pods assume an IAM role; every `iam.RoleProps` option that applies to a
 * web-identity role is accepted too.
 */
export interface IrsaServiceAccountOptions extends IrsaServiceAccountRoleOptions {
  /**
   * The cdk8s chart to add the ServiceAccount to.
   *
   * Pass your own chart to put workloads next to it (`new kplus.Deployment(chart, 'App', { serviceAccount:
   * sa.serviceAccount, ... })`); the whole chart is then written to the cloud assembly (and applied, when the
   * cluster has kubectl access), with its ServiceAccounts before the objects that use them.
   *
   * @default - the default chart of the cluster in this stack, shared by all its ServiceAccounts without a chart
   * and written to `<stack>.<cluster>.k8s.yaml` (the cluster's construct path in the stack, `/` replaced by `-`)
   */
  readonly chart?: cdk8s.Chart;

  /**
   * Labels of the ServiceAccount.
   *
   * @default - none
   */
  readonly labels?: Record<string, string>;

  /**
   * Annotations of the ServiceAccount, besides the `eks.amazonaws.com/*` ones this construct writes.
   *
   * @default - none
   */
  readonly annotations?: Record<string, string>;
}

/**
 * Properties of an IrsaServiceAccount.
 */
export interface IrsaServiceAccountProps extends IrsaServiceAccountOptions {
  /**
   * The OIDC issuer whose tokens the role trusts.
   */
  readonly cluster: IIrsaCluster;
}

/**
 * A Kubernetes ServiceAccount whose pods can assume a least-privilege IAM role, and nothing else can.
 *
 * An `IrsaServiceAccountRole` (the role, its exact trust, `iam.IPrincipal`) plus the ServiceAccount itself: a
 * cdk8s-plus ServiceAccount annotated with the role ARN, written to the cloud assembly as YAML (and applied when the
 * cluster has kubectl access). `bucket.grantRead(serviceAccount)` grants to the role.
 *
 * @example
 * declare const irsa: IrsaCluster;
 * declare const bucket: s3.IBucket;
 * const orders = irsa.addServiceAccount('Orders', { namespace: 'shop', name: 'orders' });
 * bucket.grantRead(orders);
 */
export class IrsaServiceAccount extends IrsaServiceAccountRole {
  private readonly publication: ChartPublication;

  /** The cdk8s chart holding the ServiceAccount. */
  public readonly chart: cdk8s.Chart;

  /** The ServiceAccount; assign it to cdk8s-plus workloads. */
  public readonly serviceAccount: kplus.ServiceAccount;

  constructor(scope: Construct, id: string, props: IrsaServiceAccountProps) {
    const { chart: requestedChart, labels, annotations, ...roleProps } = props;
    super(scope, id, { ...roleProps, namespace: props.namespace ?? requestedChart?.namespace });
    const namespace = this.serviceAccountNamespace;
    const name = this.serviceAccountName;
    for (const [key, value] of Object.entries(labels ?? {})) {
      validateMetadataKey(this, KIND, 'label', key);
      validateLabelValue(this, KIND, key, value);
    }
    const allAnnotations = this._withOwnAnnotations(annotations ?? {});

    const publication = requestedChart
      ? ChartPublication.of(this, requestedChart)
      : ChartPublication.defaultFor(this, props.cluster);
    this.chart = publication.chart;
    publication.register({
      owner: this,
      namespace,
      name,
      // An existing role of another stack exists before; depending on it could close a cycle with its stack. EKS Auth
      // must know the association before the first pod of the ServiceAccount starts.
      dependencies: [
        ...(Stack.of(this.role) === Stack.of(this) ? [this.role] : []),
        ...(this.podIdentityAssociation() ? [this.podIdentityAssociation()!] : []),
      ],
      // EKS Pod Identity alone writes no role ARN into the manifest.
      roleArnUnknownBecause: this.identity === ServiceAccountIdentity.POD_IDENTITY ? undefined : this._roleArnAtSynth.unknownBecause,
      howToApply: howToApplyManifests(props.cluster),
    });
    const { kubectlCluster, eksV2KubectlCluster } = props.cluster;
    if (kubectlCluster) publication.applyWith(this, eksManifestTarget(kubectlCluster));
    else if (eksV2KubectlCluster) publication.applyWith(this, eksV2ManifestTarget(eksV2KubectlCluster));

    this.serviceAccount = new kplus.ServiceAccount(this.chart, `irsa-${namespace}-${name}`, {
      metadata: { name, namespace, labels, annotations: allAnnotations },
    });
    this.publication = publication;
    publication.clusterManifests?.expectServiceAccount(namespace, name);
  }

  /**
   * Deploys `dependents` (a `HelmChart`, a `KubernetesManifest`, a chart given to `cluster.addCdk8sChart`, or any
   * construct) only after this ServiceAccount is applied to the cluster, with its role and association: for workloads
   * that run as it but that cdk-irsa cannot see inside. Charts cdk-irsa applies itself, and `cluster.addManifest` or
   * `cluster.addCdk8sChart` of this stack with literal manifests, need no call. Each dependent waits for every
   * ServiceAccount cdk-irsa applies to that cluster from this stack.
   */
  public applyBefore(...dependents: IConstruct[]): void {
    const manifests = this.publication.clusterManifests;
    if (!manifests) {
      fail(this, KIND, 'applyBefore() orders a deploy after the ServiceAccount is applied, but no cluster applies it on deploy: its ' +
        `manifest is only written to ${this.publication.fileName}. ${howToApplyManifests(this._cluster)}`);
    }
    for (const dependent of dependents) dependent.node.addDependency(manifests.serviceAccounts);
  }

  /** @internal */
  protected get _kind(): string {
    return KIND;
  }
}
