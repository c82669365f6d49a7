import { ArnFormat, Stack, Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { IrsaAddon } from './irsa-addon';
import { IrsaAddonRole, IrsaAddonRoleOptions } from './irsa-addon-role';
import { IrsaServiceAccount, IrsaServiceAccountOptions } from './irsa-service-account';
import { IrsaServiceAccountRole, IrsaServiceAccountRoleOptions } from './irsa-service-account-role';
import { fail } from './private/construct-error';
import { issuerUrlOfCluster, kubectlClusterFor } from './private/eks-cluster';
import { STS_AUDIENCE } from './private/irsa-constants';
import { issuerOfProviderArn, issuerOfUrl } from './private/issuer';
import { kubectlAccessAdvice, recordHowToApplyManifests } from './private/manifest-apply-advice';
import { claimIssuer, validateNoClusterProvider } from './private/one-provider-per-issuer';
import { addPodIdentityAgent } from './private/pod-identity-agent';
import { recordNoOidcProvider } from './private/provider-less-clusters';
import { validateClusterName } from './private/validate-eks';
import { validateClientIds, validateIssuerUrl, validateThumbprints } from './private/validate-iam';
import { ServiceAccountIssuer } from './service-account-issuer';

const KIND = 'IrsaCluster';
/** How an aws-eks-v2 cluster gets the kubectl provider its manifests need. */
const V2_KUBECTL_FIX = 'Define it with kubectlProviderOptions (or import it with kubectlProvider)';

/**
 * Properties of an IrsaCluster.
 */
export interface IrsaClusterProps {
  /**
   * The cluster's OIDC issuer URL, exactly as it appears in the `iss` claim of its ServiceAccount tokens.
   *
   * Must start with `https://` and have no port, query or fragment. May be a token (a `CfnParameter`, or an
   * attribute of a cluster defined in the same app).
   *
   * @default - the issuer of `cluster`, which must then be an `eks.Cluster` defined in this app
   */
  readonly issuerUrl?: string;

  /**
   * The issuer of a cluster you run yourself, as a `ServiceAccountIssuer` publishes it; an alternative to `issuerUrl`.
   *
   * The provider is created from its URL once the documents are served (IAM fetches them when it creates the
   * provider). IAM verifies the certificate of an API Gateway endpoint against its own trusted certificate
   * authorities, so no thumbprint is needed.
   *
   * @default - none
   */
  readonly issuer?: ServiceAccountIssuer;

  /**
   * The EKS cluster the ServiceAccounts live in.
   *
   * Gives the issuer URL when `issuerUrl` is not set, and, when aws-cdk-lib can run kubectl against it, applies
   * the ServiceAccount charts on `cdk deploy` (through aws-eks `KubernetesManifest` resources in the ServiceAccounts' stack).
   *
   * @default - none: pass `issuerUrl`; manifests are only written to the cloud assembly
   */
  readonly cluster?: eks.ICluster;

  /**
   * The EKS cluster the ServiceAccounts live in, as aws-cdk-lib's `aws-eks-v2` module defines it; an alternative to
   * `cluster` (pass one of them, or neither).
   *
   * Gives the issuer URL when `issuerUrl` is not set (a cluster defined in this app), the cluster name and ARN for EKS
   * Pod Identity, and, when it has a kubectl provider, applies the ServiceAccount charts on `cdk deploy`.
   *
   * @default - none
   */
  readonly eksV2Cluster?: eksv2.ICluster;

  /**
   * The name of the EKS cluster, which EKS Pod Identity needs (its associations name the cluster, and the roles trust
   * only that cluster's ARN). Set it with `issuerUrl` when neither `cluster` nor `eksV2Cluster` is given.
   *
   * @default - the name of `cluster` or `eksV2Cluster`; without one, ServiceAccounts can only use IRSA
   */
  readonly clusterName?: string;

  /**
   * Whether to create the IAM OIDC provider. Set it to `false` for an EKS cluster whose ServiceAccounts all use EKS
   * Pod Identity: no provider then takes one of the account's 100, and no web-identity path to its roles exists. Its
   * ServiceAccounts must then have `identity: ServiceAccountIdentity.POD_IDENTITY`, and the cluster's name must be
   * known (`cluster`, `eksV2Cluster` or `clusterName`).
   *
   * @default true
   */
  readonly createOidcProvider?: boolean;

  /**
   * Whether to add the EKS Pod Identity Agent add-on (`eks-pod-identity-agent`) to the cluster.
   *
   * Clusters in EKS Auto Mode run the agent already; other clusters need it for EKS Pod Identity. It is added once,
   * without a role (the agent uses the node role).
   *
   * @default false
   */
  readonly podIdentityAgent?: boolean;

  /**
   * The version of the EKS Pod Identity Agent add-on, such as `v1.3.4-eksbuild.1`.
   *
   * @default - the default version EKS picks for the cluster's Kubernetes version
   */
  readonly podIdentityAgentVersion?: string;

  /**
   * Whether to apply ServiceAccount charts to `cluster` on `cdk deploy`.
   *
   * Set it to `false` when something else (GitOps, a pipeline running `kubectl apply`) applies the
   * `*.k8s.yaml` files from the cloud assembly.
   *
   * @default - true when `cluster` has kubectl access (a cluster defined in this app, or one imported with
   * `kubectlRoleArn` or `kubectlProvider`), false otherwise
   */
  readonly applyManifests?: boolean;

  /**
   * The audiences (`aud` claims) the IAM OIDC provider accepts.
   *
   * @default ['sts.amazonaws.com']
   */
  readonly clientIds?: string[];

  /**
   * SHA-1 fingerprints (40 hex characters) of the issuer's certificate authority, at most 5.
   *
   * IAM no longer needs them for EKS issuers, which it verifies against its own trusted certificate authorities.
   *
   * @default - none
   */
  readonly thumbprints?: string[];
}

/**
 * An OIDC issuer that IAM trusts: what an IrsaServiceAccount needs to build its trust policy.
 */
export interface IIrsaCluster extends IConstruct {
  /**
   * The ARN of the IAM OIDC identity provider: the Federated principal of every trust policy.
   *
   * @attribute
   */
  readonly openIdConnectProviderArn: string;

  /**
   * The issuer without `https://`: the prefix of the `:sub` and `:aud` condition keys.
   *
   * @attribute
   */
  readonly openIdConnectProviderIssuer: string;

  /**
   * The audiences the provider accepts; a ServiceAccount's audience is checked against them.
   *
   * @default - unknown, audiences are not checked at synth time
   */
  readonly clientIds?: string[];

  /**
   * The EKS cluster that applies ServiceAccount charts on `cdk deploy`.
   *
   * @default - none, manifests are only written to the cloud assembly
   */
  readonly kubectlCluster?: eks.ICluster;

  /**
   * The aws-eks-v2 cluster that applies ServiceAccount charts on `cdk deploy`.
   *
   * @default - none, manifests are only written to the cloud assembly (or applied by `kubectlCluster`)
   */
  readonly eksV2KubectlCluster?: eksv2.ICluster;

  /**
   * The name of the EKS cluster, for EKS Pod Identity associations.
   *
   * @default - unknown: ServiceAccounts of this cluster can only use IRSA
   */
  readonly clusterName?: string;

  /**
   * The ARN of the EKS cluster, which the trust of EKS Pod Identity roles pins (`aws:RequestTag/eks-cluster-arn`).
   *
   * @default - unknown: ServiceAccounts of this cluster can only use IRSA
   */
  readonly clusterArn?: string;

  /**
   * Creates a ServiceAccount whose pods can assume a new IAM role, trusted through this issuer.
   */
  addServiceAccount(id: string, options: IrsaServiceAccountOptions): IrsaServiceAccount;

  /**
   * Creates the IAM role of a ServiceAccount that something else creates (a Helm chart, an EKS add-on), trusted
   * through this issuer.
   */
  addServiceAccountRole(id: string, options: IrsaServiceAccountRoleOptions): IrsaServiceAccountRole;

  /**
   * Creates the role of an add-on (`IrsaAddon.awsLoadBalancerController()`, `IrsaAddon.ebsCsiDriver()`, …) that its
   * Helm chart or EKS add-on uses, trusted through this issuer.
   */
  addAddonRole(id: string, addon: IrsaAddon, options?: IrsaAddonRoleOptions): IrsaAddonRole;
}

/**
 * Attributes of an IAM OIDC provider that already exists.
 */
export interface IrsaClusterAttributes {
  /**
   * The ARN of the IAM OIDC provider, `arn:<partition>:iam::<account>:oidc-provider/<issuer>`.
   */
  readonly openIdConnectProviderArn: string;

  /**
   * The audiences the provider accepts.
   *
   * @default - unknown, audiences are not checked at synth time
   */
  readonly clientIds?: string[];

  /**
   * An EKS cluster with kubectl access that applies ServiceAccount charts on `cdk deploy`.
   *
   * @default - none, manifests are only written to the cloud assembly
   */
  readonly kubectlCluster?: eks.ICluster;

  /**
   * An aws-eks-v2 cluster with a kubectl provider that applies ServiceAccount charts on `cdk deploy`.
   *
   * @default - none
   */
  readonly eksV2KubectlCluster?: eksv2.ICluster;

  /**
   * The name of the EKS cluster, for EKS Pod Identity; its ARN is built in the stack's account and region. Set it
   * only when neither `kubectlCluster` nor `eksV2KubectlCluster` is given.
   *
   * @default - the name of `kubectlCluster` or `eksV2KubectlCluster`; without one, unknown: ServiceAccounts of this
   * cluster can only use IRSA
   */
  readonly clusterName?: string;
}

/** What a created and an imported cluster share: creating roles and ServiceAccounts of the cluster. */
abstract class IrsaClusterBase extends Construct implements IIrsaCluster {
  public abstract readonly openIdConnectProviderArn: string;
  public abstract readonly openIdConnectProviderIssuer: string;
  public abstract readonly clientIds?: string[];
  public abstract readonly kubectlCluster?: eks.ICluster;
  public abstract readonly eksV2KubectlCluster?: eksv2.ICluster;
  public abstract readonly clusterName?: string;
  public abstract readonly clusterArn?: string;

  public addServiceAccount(id: string, options: IrsaServiceAccountOptions): IrsaServiceAccount {
    return new IrsaServiceAccount(this, id, { ...options, cluster: this });
  }

  public addServiceAccountRole(id: string, options: IrsaServiceAccountRoleOptions): IrsaServiceAccountRole {
    return new IrsaServiceAccountRole(this, id, { ...options, cluster: this });
  }

  public addAddonRole(id: string, addon: IrsaAddon, options: IrsaAddonRoleOptions = {}): IrsaAddonRole {
    return new IrsaAddonRole(this, id, { ...options, cluster: this, addon });
  }
}

/**
 * Trusts a Kubernetes cluster's ServiceAccount token issuer in IAM, with a native `AWS::IAM::OIDCProvider`.
 *
 * No custom resource and no Lambda function is created, whether the issuer is a literal or a token.
 *
 * @example
 * const irsa = new IrsaCluster(this, 'Irsa', {
 *   issuerUrl: 'https://oidc.eks.eu-west-2.amazonaws.com/id/0524940DCDEE3C59B6B1ABEFCE8BB2A2',
 * });
 * const sa = irsa.addServiceAccount('App', { namespace: 'testing', name: 'can-do-stuff-on-aws' });
 */
export class IrsaCluster extends IrsaClusterBase {
  /**
   * Uses an IAM OIDC provider that already exists (one per issuer and account); nothing is created.
   *
   * The issuer is read from the ARN, at deploy time when the ARN is a token.
   */
  public static fromOidcProviderArn(scope: Construct, id: string, providerArn: string): IIrsaCluster {
    return IrsaCluster.fromIrsaClusterAttributes(scope, id, { openIdConnectProviderArn: providerArn });
  }

  /**
   * Uses an IAM OIDC provider that already exists, with what is known about it.
   */
  public static fromIrsaClusterAttributes(scope: Construct, id: string, attrs: IrsaClusterAttributes): IIrsaCluster {
    return new ImportedIrsaCluster(scope, id, attrs);
  }

  public readonly clientIds?: string[];
  public readonly kubectlCluster?: eks.ICluster;
  public readonly eksV2KubectlCluster?: eksv2.ICluster;
  public readonly clusterName?: string;
  public readonly clusterArn?: string;
  /** The provider's ARN, its issuer, and the issuer URL; unset with createOidcProvider: false. */
  private readonly provider?: CreatedProvider;

  /**
   * The EKS Pod Identity Agent add-on, when `podIdentityAgent` is set.
   */
  public readonly podIdentityAgent?: eks.CfnAddon;

  public get openIdConnectProviderArn(): string {
    return this.providerOrFail().arn;
  }

  public get openIdConnectProviderIssuer(): string {
    return this.providerOrFail().issuer;
  }

  /**
   * The issuer URL the provider trusts (may be a token).
   */
  public get issuerUrl(): string {
    return this.providerOrFail().issuerUrl;
  }

  constructor(scope: Construct, id: string, props: IrsaClusterProps = {}) {
    super(scope, id);

    if (props.cluster && props.eksV2Cluster) {
      fail(this, KIND, 'pass cluster (an aws-eks cluster) or eksV2Cluster (an aws-eks-v2 cluster), not both.');
    }
    const eksCluster = props.cluster ?? props.eksV2Cluster;
    if (props.clusterName !== undefined && eksCluster) {
      fail(this, KIND, `clusterName is set, but the name comes from cluster '${eksCluster.node.path}'. Leave clusterName out.`);
    }
    if (props.clusterName !== undefined) validateClusterName(this, KIND, props.clusterName);
    if (props.createOidcProvider === false) {
      refuseProviderOptions(this, props);
      if (!eksCluster && props.clusterName === undefined) {
        fail(this, KIND, 'createOidcProvider is false, so its ServiceAccounts can only use EKS Pod Identity, whose associations name the ' +
          'cluster: pass cluster, eksV2Cluster or clusterName.');
      }
      recordNoOidcProvider(this);
    } else {
      this.provider = this.createProvider(props, eksCluster);
      this.clientIds = props.clientIds ?? [STS_AUDIENCE];
    }
    if (props.eksV2Cluster) {
      this.eksV2KubectlCluster = kubectlClusterFor(this, KIND, props.eksV2Cluster, props.applyManifests, V2_KUBECTL_FIX);
    } else {
      this.kubectlCluster = kubectlClusterFor(this, KIND, props.cluster, props.applyManifests);
    }
    if (!this.kubectlCluster && !this.eksV2KubectlCluster) {
      recordHowToApplyManifests(this, props.applyManifests === false
        ? `leave out applyManifests: false on IrsaCluster '${this.node.path}'.`
        : eksCluster
          ? kubectlAccessAdvice(eksCluster, props.eksV2Cluster !== undefined)
          : `pass \`cluster\` (an aws-eks cluster with kubectl access) or \`eksV2Cluster\` to IrsaCluster '${this.node.path}'.`);
    }
    this.clusterName = eksCluster?.clusterName ?? props.clusterName;
    this.clusterArn = eksCluster?.clusterArn ?? (this.clusterName !== undefined ? clusterArnOf(this, this.clusterName) : undefined);

    if (props.podIdentityAgent) {
      if (this.clusterName === undefined) {
        fail(this, KIND, 'podIdentityAgent needs the cluster\'s name. Pass clusterName (or cluster, or eksV2Cluster).');
      }
      this.podIdentityAgent = addPodIdentityAgent(this, KIND, this.clusterName, props.podIdentityAgentVersion, eksCluster);
    } else if (props.podIdentityAgentVersion !== undefined) {
      fail(this, KIND, 'podIdentityAgentVersion is set, but podIdentityAgent is not. Set podIdentityAgent: true, or leave the version out.');
    }
  }

  /** The native OIDC provider of the issuer `props` name, one per issuer in the app. */
  private createProvider(props: IrsaClusterProps, eksCluster: eks.ICluster | eksv2.ICluster | undefined): CreatedProvider {
    if (props.issuer && (props.issuerUrl !== undefined || eksCluster)) {
      fail(this, KIND, `issuer is set, and so is ${props.issuerUrl !== undefined ? 'issuerUrl' : 'an EKS cluster'}: ` +
        'a ServiceAccountIssuer is the issuer of a cluster you run yourself. Pass one of them.');
    }
    const issuerUrl = props.issuer?.issuerUrl ?? props.issuerUrl ?? (eksCluster
      ? issuerUrlOfCluster(this, KIND, eksCluster)
      : fail(this, KIND, 'pass issuerUrl (the cluster\'s OIDC issuer), cluster (an eks.Cluster defined in this app), eksV2Cluster, ' +
        'or issuer (a ServiceAccountIssuer, for a cluster you run yourself).'));
    validateIssuerUrl(this, KIND, issuerUrl);
    const clientIds = props.clientIds ?? [STS_AUDIENCE];
    validateClientIds(this, KIND, clientIds);
    validateThumbprints(this, KIND, props.thumbprints ?? []);
    claimIssuer(this, KIND, issuerUrl);
    if (eksCluster) this.node.addValidation({ validate: () => validateNoClusterProvider(eksCluster) });

    const provider = new iam.CfnOIDCProvider(this, 'Resource', {
      url: issuerUrl,
      clientIdList: clientIds,
      thumbprintList: props.thumbprints,
    });
    if (props.issuer) provider.node.addDependency(...props.issuer.servingDependencies);
    return {
      arn: provider.attrArn,
      issuer: Token.isUnresolved(issuerUrl) ? issuerOfProviderArn(this, KIND, provider.attrArn) : issuerOfUrl(issuerUrl),
      issuerUrl,
    };
  }

  private providerOrFail(): CreatedProvider {
    return this.provider ?? fail(this, KIND, 'has no IAM OIDC provider (createOidcProvider: false), so it has no provider ARN or issuer: ' +
      'its ServiceAccounts use EKS Pod Identity. Leave createOidcProvider out for IRSA.');
  }
}

/** The provider an IrsaCluster created: its ARN, its issuer (no `https://`) and the issuer URL. */
interface CreatedProvider {
  readonly arn: string;
  readonly issuer: string;
  readonly issuerUrl: string;
}

/** With no provider, the options that only configure one are mistakes: each is refused by name. */
function refuseProviderOptions(scope: IConstruct, props: IrsaClusterProps): void {
  const given = (['issuerUrl', 'issuer', 'clientIds', 'thumbprints'] as const).filter(option => props[option] !== undefined);
  if (given.length > 0) {
    fail(scope, KIND, `createOidcProvider is false, but ${given.join(' and ')} ${given.length > 1 ? 'configure' : 'configures'} the OIDC provider. ` +
      `Leave ${given.length > 1 ? 'them' : 'it'} out, or leave createOidcProvider out to use IRSA.`);
  }
}

class ImportedIrsaCluster extends IrsaClusterBase {
  public readonly openIdConnectProviderArn: string;
  public readonly openIdConnectProviderIssuer: string;
  public readonly clientIds?: string[];
  public readonly kubectlCluster?: eks.ICluster;
  public readonly eksV2KubectlCluster?: eksv2.ICluster;
  public readonly clusterName?: string;
  public readonly clusterArn?: string;

  constructor(scope: Construct, id: string, attrs: IrsaClusterAttributes) {
    super(scope, id);
    this.openIdConnectProviderArn = attrs.openIdConnectProviderArn;
    this.openIdConnectProviderIssuer = issuerOfProviderArn(this, KIND, attrs.openIdConnectProviderArn);
    if (attrs.clientIds) validateClientIds(this, KIND, attrs.clientIds);
    this.clientIds = attrs.clientIds;
    if (attrs.kubectlCluster && attrs.eksV2KubectlCluster) {
      fail(this, KIND, 'pass kubectlCluster (an aws-eks cluster) or eksV2KubectlCluster (an aws-eks-v2 cluster), not both.');
    }
    this.kubectlCluster = kubectlClusterFor(this, KIND, attrs.kubectlCluster, attrs.kubectlCluster ? true : undefined);
    this.eksV2KubectlCluster = kubectlClusterFor(this, KIND, attrs.eksV2KubectlCluster, attrs.eksV2KubectlCluster ? true : undefined, V2_KUBECTL_FIX);
    const kubectl = attrs.kubectlCluster ?? attrs.eksV2KubectlCluster;
    if (!kubectl) {
      recordHowToApplyManifests(this, 'pass kubectlCluster (an aws-eks cluster with kubectl access) or eksV2KubectlCluster to ' +
        `IrsaCluster.fromIrsaClusterAttributes for '${this.node.path}'.`);
    }
    if (attrs.clusterName !== undefined) {
      // The association would name one cluster and the trust pin the other's ARN: the role could never be assumed.
      if (kubectl) fail(this, KIND, `clusterName is set, but the name comes from cluster '${kubectl.node.path}'. Leave clusterName out.`);
      validateClusterName(this, KIND, attrs.clusterName);
    }
    this.clusterName = attrs.clusterName ?? kubectl?.clusterName;
    this.clusterArn = kubectl?.clusterArn ?? (this.clusterName !== undefined ? clusterArnOf(this, this.clusterName) : undefined);
  }
}

/** The ARN of the EKS cluster `clusterName` in the account and region of `scope`'s stack. */
function clusterArnOf(scope: Construct, clusterName: string): string {
  return Stack.of(scope).formatArn({ service: 'eks', resource: 'cluster', resourceName: clusterName, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
}
