import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { IIrsaCluster } from './irsa-cluster';
import { IrsaRoleOptions } from './irsa-role-options';
import { fail } from './private/construct-error';
import { defaultRoleName } from './private/default-role-name';
import { STS_AUDIENCE } from './private/irsa-constants';
import { roleArnAtSynth, RoleArnAtSynth } from './private/role-arn';
import { OWNED_ANNOTATIONS, serviceAccountAnnotations } from './private/service-account-annotations';
import { validateAudience, validateMaxSessionDuration, validateRoleName, validateRolePath } from './private/validate-iam';
import { validateMetadataKey, validateNamespace, validateServiceAccountName, validateTokenExpiration } from './private/validate-kubernetes';
import { WebIdentityTrust } from './private/web-identity-trust';

const KIND = 'IrsaServiceAccountRole';

/**
 * How a ServiceAccount's pods get their role: the token's audience and lifetime, the STS endpoint, and every
 * `iam.RoleProps` option that applies to a web-identity role.
 */
export interface IrsaServiceAccountIdentityOptions extends IrsaRoleOptions {
  /**
   * The audience (`aud` claim) of the tokens pods present to STS. Must be a client ID of the OIDC provider.
   *
   * A value other than the default goes into the `eks.amazonaws.com/audience` annotation.
   *
   * @default 'sts.amazonaws.com'
   */
  readonly audience?: string;

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
 * Options for the IAM role of a ServiceAccount.
 */
export interface IrsaServiceAccountRoleOptions extends IrsaServiceAccountIdentityOptions {
  /**
   * The Kubernetes ServiceAccount name (a DNS-1123 subdomain, at most 253 characters).
   */
  readonly name: string;

  /**
   * The Kubernetes namespace of the ServiceAccount (a DNS-1123 label, at most 63 characters).
   *
   * @default - 'default'; for an `IrsaServiceAccount` with a `chart` that has a namespace, the chart's namespace
   */
  readonly namespace?: string;
}

/**
 * Properties of an IrsaServiceAccountRole.
 */
export interface IrsaServiceAccountRoleProps extends IrsaServiceAccountRoleOptions {
  /**
   * The OIDC issuer whose tokens the role trusts.
   */
  readonly cluster: IIrsaCluster;
}

/**
 * Options for trusting every ServiceAccount of a namespace with `trustAllServiceAccountsInNamespace`.
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
 * Options for trusting one more ServiceAccount with `trust`.
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
 * Options for `serviceAccountHelmValues`.
 */
export interface IrsaServiceAccountHelmValuesOptions {
  /**
   * Whether the chart creates the ServiceAccount.
   *
   * @default true
   */
  readonly create?: boolean;

  /**
   * More annotations of the ServiceAccount, besides the `eks.amazonaws.com/*` ones of `serviceAccountAnnotations`.
   *
   * @default - none
   */
  readonly annotations?: Record<string, string>;
}

/**
 * The IAM role of a Kubernetes ServiceAccount that something else creates (a Helm chart, an EKS add-on, GitOps):
 * only that ServiceAccount's pods can assume it.
 *
 * Creates an IAM role that trusts exactly `system:serviceaccount:<namespace>:<name>` with the given audience through
 * the cluster's OIDC provider, and nothing in Kubernetes: annotate the ServiceAccount with `serviceAccountAnnotations`
 * (or pass `serviceAccountHelmValues()` to its chart). It is an `iam.IPrincipal`, so `bucket.grantRead(role)` grants
 * to the role.
 *
 * @example
 * declare const irsa: IrsaCluster;
 * const role = irsa.addServiceAccountRole('Agent', { namespace: 'monitoring', name: 'agent' });
 */
export class IrsaServiceAccountRole extends Construct implements iam.IPrincipal {
  /** The IAM role pods assume. */
  public readonly role: iam.IRole;

  /**
   * The role ARN, literal when the stack has a concrete account and region, a token otherwise.
   *
   * Write it into manifests and Helm values. In a CloudFormation property, `role.roleArn` also orders the resource
   * after the role.
   */
  public readonly roleArn: string;

  /** The Kubernetes name of the ServiceAccount. */
  public readonly serviceAccountName: string;

  /** The Kubernetes namespace of the ServiceAccount. */
  public readonly serviceAccountNamespace: string;

  /**
   * The `eks.amazonaws.com/*` annotations the ServiceAccount needs: the role ARN, and the audience, regional STS
   * endpoints and token expiration when they are set.
   */
  public readonly serviceAccountAnnotations: Record<string, string>;

  public readonly grantPrincipal: iam.IPrincipal;
  public readonly assumeRoleAction: string;
  public readonly principalAccount?: string;

  /** Why the role ARN is a token, when it is one. @internal */
  protected readonly _roleArnAtSynth: RoleArnAtSynth;

  private readonly audience: string;
  private readonly trustPolicy: WebIdentityTrust;

  constructor(scope: Construct, id: string, props: IrsaServiceAccountRoleProps) {
    super(scope, id);

    const {
      cluster, name, namespace: requestedNamespace, audience: requestedAudience, stsRegionalEndpoints, tokenExpiration, ...roleOptions
    } = props;
    const namespace = requestedNamespace ?? 'default';
    const audience = requestedAudience ?? STS_AUDIENCE;
    validateServiceAccountName(this, this._kind, name);
    validateNamespace(this, this._kind, namespace);
    validateAudience(this, this._kind, audience, cluster.clientIds);
    if (roleOptions.roleName !== undefined) validateRoleName(this, this._kind, roleOptions.roleName);
    if (roleOptions.path !== undefined) validateRolePath(this, this._kind, roleOptions.path);
    if (roleOptions.maxSessionDuration) validateMaxSessionDuration(this, this._kind, roleOptions.maxSessionDuration);
    if (tokenExpiration) validateTokenExpiration(this, this._kind, tokenExpiration);

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

    this._roleArnAtSynth = roleArnAtSynth(this, roleName, roleOptions.path ?? '/');
    this.role = role;
    this.roleArn = this._roleArnAtSynth.arn ?? role.roleArn;
    this.serviceAccountName = name;
    this.serviceAccountNamespace = namespace;
    this.serviceAccountAnnotations = serviceAccountAnnotations({ roleArn: this.roleArn, audience, stsRegionalEndpoints, tokenExpiration });
    this.grantPrincipal = role;
    this.assumeRoleAction = role.assumeRoleAction;
    this.principalAccount = role.principalAccount;
  }

  /**
   * The values most Helm charts take under their ServiceAccount key: `{ create, name, annotations }`, as nested
   * objects (Helm does not read dotted keys).
   */
  public serviceAccountHelmValues(options: IrsaServiceAccountHelmValuesOptions = {}): Record<string, any> {
    return {
      create: options.create ?? true,
      name: this.serviceAccountName,
      annotations: this._withOwnAnnotations(options.annotations ?? {}),
    };
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
    validateServiceAccountName(this, this._kind, name);
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

  /** The name errors give this construct; subclasses report errors under their own. @internal */
  protected get _kind(): string {
    return KIND;
  }

  /**
   * `annotations` (checked as Kubernetes keys) with this role's own annotations after them; setting one of those by
   * hand is an error, because it would silently be replaced. @internal
   */
  protected _withOwnAnnotations(annotations: Record<string, string>): Record<string, string> {
    for (const key of Object.keys(annotations)) {
      validateMetadataKey(this, this._kind, 'annotation', key);
      const owned = OWNED_ANNOTATIONS[key];
      if (owned) fail(this, this._kind, `the annotation "${key}" is written by ${this._kind}: ${owned}.`);
    }
    return { ...annotations, ...this.serviceAccountAnnotations };
  }

  private addTrust(cluster: IIrsaCluster, namespace: string, name: string | undefined, requestedAudience: string | undefined): void {
    const audience = requestedAudience ?? this.audience;
    validateNamespace(this, this._kind, namespace);
    validateAudience(this, this._kind, audience, cluster.clientIds);
    this.trustPolicy.add({
      providerArn: cluster.openIdConnectProviderArn,
      issuer: cluster.openIdConnectProviderIssuer,
      audience,
      namespace,
      name,
    });
  }
}
