import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import type { IIrsaCluster } from './irsa-cluster';
import { IrsaRoleOptions } from './irsa-role-options';
import { ChartPublication } from './private/chart-publication';
import { fail } from './private/construct-error';
import { defaultRoleName } from './private/default-role-name';
import { STS_AUDIENCE } from './private/irsa-constants';
import { roleArnAtSynth } from './private/role-arn';
import { validateAudience, validateMaxSessionDuration, validateRoleName, validateRolePath } from './private/validate-iam';
import {
  validateLabelValue,
  validateMetadataKey,
  validateNamespace,
  validateServiceAccountName,
  validateTokenExpiration,
} from './private/validate-kubernetes';
import { WebIdentityTrust } from './private/web-identity-trust';

const KIND = 'IrsaServiceAccount';

/** The annotations the EKS pod identity webhook reads; we own them. */
const ROLE_ARN_ANNOTATION = 'eks.amazonaws.com/role-arn';
const AUDIENCE_ANNOTATION = 'eks.amazonaws.com/audience';
const STS_REGIONAL_ENDPOINTS_ANNOTATION = 'eks.amazonaws.com/sts-regional-endpoints';
const TOKEN_EXPIRATION_ANNOTATION = 'eks.amazonaws.com/token-expiration';
const OWNED_ANNOTATIONS: Record<string, string> = {
  [ROLE_ARN_ANNOTATION]: 'it is always the role of this ServiceAccount',
  [AUDIENCE_ANNOTATION]: 'use the audience option',
  [STS_REGIONAL_ENDPOINTS_ANNOTATION]: 'use the stsRegionalEndpoints option',
  [TOKEN_EXPIRATION_ANNOTATION]: 'use the tokenExpiration option',
};

/**
 * Options for a ServiceAccount whose pods assume an IAM role; every `iam.RoleProps` option that applies to a
 * web-identity role is accepted too.
 */
export interface IrsaServiceAccountOptions extends IrsaRoleOptions {
  /**
   * The Kubernetes ServiceAccount name (a DNS-1123 subdomain, at most 253 characters).
   */
  readonly name: string;

  /**
   * The Kubernetes namespace of the ServiceAccount (a DNS-1123 label, at most 63 characters).
   *
   * @default - the namespace of `chart` if it has one, otherwise 'default'
   */
  readonly namespace?: string;

  /**
   * The cdk8s chart to add the ServiceAccount to.
   *
   * Pass your own chart to put workloads next to it (`new kplus.Deployment(chart, 'App', { serviceAccount:
   * sa.serviceAccount, ... })`); the whole chart is then written to the cloud assembly (and applied, when the
   * cluster has kubectl access).
   *
   * @default - a new Chart in its own cdk8s App
   */
  readonly chart?: cdk8s.Chart;

  /**
   * The audience (`aud` claim) of the tokens pods present to STS. Must be a client ID of the OIDC provider.
   *
   * A value other than the default is written to the `eks.amazonaws.com/audience` annotation.
   *
   * @default 'sts.amazonaws.com'
   */
  readonly audience?: string;

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

  /**
   * Whether pods use the regional STS endpoint (`eks.amazonaws.com/sts-regional-endpoints`).
   *
   * @default - not set, the pod identity webhook's default applies
   */
  readonly stsRegionalEndpoints?: boolean;

  /**
   * How long the projected ServiceAccount token is valid (`eks.amazonaws.com/token-expiration`), at least 10 minutes.
   *
   * @default - not set, the pod identity webhook's default (24 hours) applies
   */
  readonly tokenExpiration?: Duration;
}

/**
 * Options for trusting every ServiceAccount of a namespace with `IrsaServiceAccount.trustAllServiceAccountsInNamespace`.
 */
export interface IrsaNamespaceTrustOptions {
  /**
   * The audience (`aud` claim) of the tokens. Must be a client ID of the cluster's OIDC provider.
   *
   * @default - the audience of this ServiceAccount
   */
  readonly audience?: string;
}

/**
 * Options for trusting one more ServiceAccount with `IrsaServiceAccount.trust`.
 */
export interface IrsaTrustOptions extends IrsaNamespaceTrustOptions {
  /**
   * The Kubernetes namespace of the ServiceAccount (a DNS-1123 label, at most 63 characters).
   *
   * @default - the namespace of this ServiceAccount
   */
  readonly namespace?: string;

  /**
   * The Kubernetes ServiceAccount name (a DNS-1123 subdomain, at most 253 characters).
   *
   * @default - the name of this ServiceAccount
   */
  readonly name?: string;
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
 * Creates an IAM role that trusts exactly `system:serviceaccount:<namespace>:<name>` with the given audience
 * through the cluster's OIDC provider, and a cdk8s-plus ServiceAccount annotated with the role ARN. It is an
 * `iam.IPrincipal`, so `bucket.grantRead(serviceAccount)` grants to the role.
 */
export class IrsaServiceAccount extends Construct implements iam.IPrincipal {
  /** The IAM role pods assume. */
  public readonly role: iam.IRole;

  /**
   * The role ARN, literal when the stack has a concrete account and region, a token otherwise.
   */
  public readonly roleArn: string;

  /** The Kubernetes name of the ServiceAccount. */
  public readonly serviceAccountName: string;

  /** The Kubernetes namespace of the ServiceAccount. */
  public readonly serviceAccountNamespace: string;

  /** The cdk8s chart holding the ServiceAccount. */
  public readonly chart: cdk8s.Chart;

  /** The ServiceAccount; assign it to cdk8s-plus workloads. */
  public readonly serviceAccount: kplus.ServiceAccount;

  public readonly grantPrincipal: iam.IPrincipal;
  public readonly assumeRoleAction: string;
  public readonly principalAccount?: string;

  private readonly audience: string;
  private readonly trustPolicy: WebIdentityTrust;

  constructor(scope: Construct, id: string, props: IrsaServiceAccountProps) {
    super(scope, id);

    const {
      cluster, name, namespace: requestedNamespace, chart: requestedChart, audience: requestedAudience,
      labels, annotations, stsRegionalEndpoints, tokenExpiration, ...roleOptions
    } = props;
    const namespace = requestedNamespace ?? requestedChart?.namespace ?? 'default';
    const audience = requestedAudience ?? STS_AUDIENCE;
    validateServiceAccountName(this, KIND, name);
    validateNamespace(this, KIND, namespace);
    validateAudience(this, KIND, audience, cluster.clientIds);
    if (roleOptions.roleName !== undefined) validateRoleName(this, KIND, roleOptions.roleName);
    if (roleOptions.path !== undefined) validateRolePath(this, KIND, roleOptions.path);
    if (roleOptions.maxSessionDuration) validateMaxSessionDuration(this, KIND, roleOptions.maxSessionDuration);
    if (tokenExpiration) validateTokenExpiration(this, KIND, tokenExpiration);
    this.validateMetadata(labels ?? {}, annotations ?? {});

    const roleName = roleOptions.roleName ?? defaultRoleName(this);
    this.trustPolicy = new WebIdentityTrust({
      providerArn: cluster.openIdConnectProviderArn,
      issuer: cluster.openIdConnectProviderIssuer,
      audience,
      namespace,
      name,
    });
    const role = new iam.Role(this, 'Resource', { ...roleOptions, roleName, assumedBy: this.trustPolicy.initialPrincipal });
    this.trustPolicy.bind(role);
    this.audience = audience;

    const arnAtSynth = roleArnAtSynth(this, roleName, roleOptions.path ?? '/');
    this.role = role;
    this.roleArn = arnAtSynth.arn ?? role.roleArn;
    this.serviceAccountName = name;
    this.serviceAccountNamespace = namespace;
    this.grantPrincipal = role;
    this.assumeRoleAction = role.assumeRoleAction;
    this.principalAccount = role.principalAccount;

    this.chart = requestedChart ?? new cdk8s.Chart(new cdk8s.App(), defaultChartId(this));
    const publication = ChartPublication.of(this, this.chart);
    publication.register({
      owner: this,
      namespace,
      name,
      role,
      roleArnUnknownBecause: arnAtSynth.unknownBecause,
    });
    if (cluster.kubectlCluster) publication.applyWith(this, cluster.kubectlCluster);

    this.serviceAccount = new kplus.ServiceAccount(this.chart, `irsa-${namespace}-${name}`, {
      metadata: {
        name,
        namespace,
        labels,
        annotations: {
          ...annotations,
          [ROLE_ARN_ANNOTATION]: this.roleArn,
          ...(audience !== STS_AUDIENCE ? { [AUDIENCE_ANNOTATION]: audience } : {}),
          ...(stsRegionalEndpoints !== undefined ? { [STS_REGIONAL_ENDPOINTS_ANNOTATION]: String(stsRegionalEndpoints) } : {}),
          ...(tokenExpiration ? { [TOKEN_EXPIRATION_ANNOTATION]: String(tokenExpiration.toSeconds()) } : {}),
        },
      },
    });
  }

  /**
   * Lets one more ServiceAccount assume this role: by default the same namespace and name in `cluster`, so the
   * ServiceAccount keeps its role when its workloads move to another cluster (a blue/green cluster upgrade).
   *
   * The trust stays exact (`StringEquals` on `sub` and `aud`); the subjects of one provider and audience share one
   * statement. Nothing is added to a chart: apply the same ServiceAccount manifest to the other cluster (the role ARN
   * is the same), or annotate the other ServiceAccount with `roleArn`. Synthesis fails when the trust policy grows
   * over IAM's maximum of 4096 characters, and warns over the default quota of 2048.
   */
  public trust(cluster: IIrsaCluster, options: IrsaTrustOptions = {}): void {
    const namespace = options.namespace ?? this.serviceAccountNamespace;
    const name = options.name ?? this.serviceAccountName;
    validateServiceAccountName(this, KIND, name);
    this.addTrust(cluster, namespace, name, options.audience);
  }

  /**
   * Lets every ServiceAccount of `namespace` in `cluster` assume this role (`StringLike` on
   * `system:serviceaccount:<namespace>:*`, with an exact `aud`).
   *
   * Anyone who can create a ServiceAccount in that namespace gets the role's permissions, so prefer `trust` with
   * each name. The namespace itself is always a literal: no wildcard can reach other namespaces.
   */
  public trustAllServiceAccountsInNamespace(cluster: IIrsaCluster, namespace: string, options: IrsaNamespaceTrustOptions = {}): void {
    this.addTrust(cluster, namespace, undefined, options.audience);
  }

  /** The role's principal: the same statements `role.policyFragment` would give. */
  public get policyFragment(): iam.PrincipalPolicyFragment {
    return this.role.policyFragment;
  }

  /** Adds a statement to the role's policy. */
  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    return this.role.addToPrincipalPolicy(statement);
  }

  private addTrust(cluster: IIrsaCluster, namespace: string, name: string | undefined, requestedAudience: string | undefined): void {
    const audience = requestedAudience ?? this.audience;
    validateNamespace(this, KIND, namespace);
    validateAudience(this, KIND, audience, cluster.clientIds);
    this.trustPolicy.add({
      providerArn: cluster.openIdConnectProviderArn,
      issuer: cluster.openIdConnectProviderIssuer,
      audience,
      namespace,
      name,
    });
  }

  private validateMetadata(labels: Record<string, string>, annotations: Record<string, string>): void {
    for (const [key, value] of Object.entries(labels)) {
      validateMetadataKey(this, KIND, 'label', key);
      validateLabelValue(this, KIND, key, value);
    }
    for (const key of Object.keys(annotations)) {
      validateMetadataKey(this, KIND, 'annotation', key);
      const owned = OWNED_ANNOTATIONS[key];
      if (owned) fail(this, KIND, `the annotation "${key}" is written by IrsaServiceAccount: ${owned}.`);
    }
  }
}

/** The chart of a ServiceAccount without one: named after its construct path in the stack, which is unique. */
function defaultChartId(scope: Construct): string {
  const scopes = scope.node.scopes;
  return scopes.slice(scopes.indexOf(Stack.of(scope)) + 1).map(c => c.node.id).join('-');
}
