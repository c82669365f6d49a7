import { Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { IrsaServiceAccount, IrsaServiceAccountOptions } from './irsa-service-account';
import { IrsaServiceAccountRole, IrsaServiceAccountRoleOptions } from './irsa-service-account-role';
import { fail } from './private/construct-error';
import { issuerUrlOfCluster, kubectlClusterFor } from './private/eks-cluster';
import { STS_AUDIENCE } from './private/irsa-constants';
import { issuerOfProviderArn, issuerOfUrl } from './private/issuer';
import { claimIssuer, validateNoClusterProvider } from './private/one-provider-per-issuer';
import { validateClientIds, validateIssuerUrl, validateThumbprints } from './private/validate-iam';

const KIND = 'IrsaCluster';

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
   * The EKS cluster the ServiceAccounts live in.
   *
   * Gives the issuer URL when `issuerUrl` is not set, and, when aws-cdk-lib can run kubectl against it, applies
   * the ServiceAccount charts on `cdk deploy` (through aws-eks `KubernetesManifest` resources in the ServiceAccounts' stack).
   *
   * @default - none: pass `issuerUrl`; manifests are only written to the cloud assembly
   */
  readonly cluster?: eks.ICluster;

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
   * Creates a ServiceAccount whose pods can assume a new IAM role, trusted through this issuer.
   */
  addServiceAccount(id: string, options: IrsaServiceAccountOptions): IrsaServiceAccount;

  /**
   * Creates the IAM role of a ServiceAccount that something else creates (a Helm chart, an EKS add-on), trusted
   * through this issuer.
   */
  addServiceAccountRole(id: string, options: IrsaServiceAccountRoleOptions): IrsaServiceAccountRole;
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
export class IrsaCluster extends Construct implements IIrsaCluster {
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

  public readonly openIdConnectProviderArn: string;
  public readonly openIdConnectProviderIssuer: string;
  public readonly clientIds?: string[];
  public readonly kubectlCluster?: eks.ICluster;

  /**
   * The issuer URL the provider trusts (may be a token).
   */
  public readonly issuerUrl: string;

  constructor(scope: Construct, id: string, props: IrsaClusterProps = {}) {
    super(scope, id);

    const issuerUrl = props.issuerUrl ?? (props.cluster
      ? issuerUrlOfCluster(this, KIND, props.cluster)
      : fail(this, KIND, 'pass issuerUrl (the cluster\'s OIDC issuer) or cluster (an eks.Cluster defined in this app).'));
    validateIssuerUrl(this, KIND, issuerUrl);
    const clientIds = props.clientIds ?? [STS_AUDIENCE];
    validateClientIds(this, KIND, clientIds);
    validateThumbprints(this, KIND, props.thumbprints ?? []);
    claimIssuer(this, KIND, issuerUrl);
    const cluster = props.cluster;
    if (cluster) this.node.addValidation({ validate: () => validateNoClusterProvider(cluster) });

    const provider = new iam.CfnOIDCProvider(this, 'Resource', {
      url: issuerUrl,
      clientIdList: clientIds,
      thumbprintList: props.thumbprints,
    });

    this.issuerUrl = issuerUrl;
    this.clientIds = clientIds;
    this.openIdConnectProviderArn = provider.attrArn;
    this.openIdConnectProviderIssuer = Token.isUnresolved(issuerUrl)
      ? issuerOfProviderArn(this, KIND, provider.attrArn)
      : issuerOfUrl(issuerUrl);
    this.kubectlCluster = kubectlClusterFor(this, KIND, props.cluster, props.applyManifests);
  }

  public addServiceAccount(id: string, options: IrsaServiceAccountOptions): IrsaServiceAccount {
    return new IrsaServiceAccount(this, id, { ...options, cluster: this });
  }

  public addServiceAccountRole(id: string, options: IrsaServiceAccountRoleOptions): IrsaServiceAccountRole {
    return new IrsaServiceAccountRole(this, id, { ...options, cluster: this });
  }
}

class ImportedIrsaCluster extends Construct implements IIrsaCluster {
  public readonly openIdConnectProviderArn: string;
  public readonly openIdConnectProviderIssuer: string;
  public readonly clientIds?: string[];
  public readonly kubectlCluster?: eks.ICluster;

  constructor(scope: Construct, id: string, attrs: IrsaClusterAttributes) {
    super(scope, id);
    this.openIdConnectProviderArn = attrs.openIdConnectProviderArn;
    this.openIdConnectProviderIssuer = issuerOfProviderArn(this, KIND, attrs.openIdConnectProviderArn);
    if (attrs.clientIds) validateClientIds(this, KIND, attrs.clientIds);
    this.clientIds = attrs.clientIds;
    this.kubectlCluster = kubectlClusterFor(this, KIND, attrs.kubectlCluster, attrs.kubectlCluster ? true : undefined);
  }

  public addServiceAccount(id: string, options: IrsaServiceAccountOptions): IrsaServiceAccount {
    return new IrsaServiceAccount(this, id, { ...options, cluster: this });
  }

  public addServiceAccountRole(id: string, options: IrsaServiceAccountRoleOptions): IrsaServiceAccountRole {
    return new IrsaServiceAccountRole(this, id, { ...options, cluster: this });
  }
}
