import { Duration, Names, Stack, Token, Validations } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { IIrsaCluster } from './irsa-cluster';
import { IrsaRoleOptions } from './irsa-role-options';
import { fail } from './private/construct-error';
import { defaultRoleName } from './private/default-role-name';
import { existingRoleArnAtSynth, ExistingRoleUse, validateExistingRole, warnExistingRoleTrust } from './private/existing-role-link';
import { POD_IDENTITY_ACTIONS, STS_AUDIENCE } from './private/irsa-constants';
import { hasNoOidcProvider } from './private/provider-less-clusters';
import { roleArnAtSynth, RoleArnAtSynth } from './private/role-arn';
import { OWNED_ANNOTATIONS, serviceAccountAnnotations } from './private/service-account-annotations';
import { claimServiceAccount } from './private/service-account-owners';
import { ServiceAccountTrust } from './private/service-account-trust';
import { targetRoleArnFor, trustTargetRole, validateTargetRole } from './private/target-role-link';
import {
  validateAudience, validateInlinePolicies, validateMaxSessionDuration, validateRoleName, validateRolePath, validateSessionPolicy,
} from './private/validate-iam';
import { validateMetadataKey, validateNamespace, validateServiceAccountName, validateTokenExpiration } from './private/validate-kubernetes';
import { ServiceAccountIdentity } from './service-account-identity';

const KIND = 'IrsaServiceAccountRole';

/**
 * How a ServiceAccount's pods get their role: the token's audience and lifetime, the STS endpoint, and every
 * `iam.RoleProps` option that applies to a web-identity role.
 */
export interface IrsaServiceAccountIdentityOptions extends IrsaRoleOptions {
  /**
   * How pods get the role: IRSA (a web-identity token and the `eks.amazonaws.com/role-arn` annotation), EKS Pod
   * Identity (an `AWS::EKS::PodIdentityAssociation`, no annotation), or both while a workload moves from one to the
   * other. EKS Pod Identity needs the cluster's name (`IrsaClusterProps.clusterName`, or a cluster object).
   *
   * @default ServiceAccountIdentity.IRSA
   */
  readonly identity?: ServiceAccountIdentity;

  /**
   * The audience (`aud` claim) of the tokens pods present to STS. Must be a client ID of the OIDC provider. IRSA only.
   *
   * A value other than the default goes into the `eks.amazonaws.com/audience` annotation.
   *
   * @default 'sts.amazonaws.com'
   */
  readonly audience?: string;

  /**
   * Whether pods use the regional STS endpoint (`eks.amazonaws.com/sts-regional-endpoints`). IRSA only.
   *
   * @default - not set, the pod identity webhook's default applies
   */
  readonly stsRegionalEndpoints?: boolean;

  /**
   * How long the projected ServiceAccount token is valid (`eks.amazonaws.com/token-expiration`), at least 10 minutes.
   * IRSA only.
   *
   * @default - not set, the pod identity webhook's default (24 hours) applies
   */
  readonly tokenExpiration?: Duration;

  /**
   * A role that EKS Pod Identity assumes with this role's credentials, and whose credentials pods get (the
   * association's `TargetRoleArn`), in this account or another. EKS Pod Identity only.
   *
   * This role then gets `sts:AssumeRole` and `sts:TagSession` on the target and nothing else, and `grant*` calls on
   * this construct grant to the target. A `PodIdentityTargetRole` gets its trust from here; for any other role,
   * synthesis warns (`cdk-irsa:targetRoleTrust`) with the statements its owner must add.
   *
   * @default - none: pods get this role's credentials
   */
  readonly targetRole?: iam.IRole;

  /**
   * Whether EKS Pod Identity leaves out its session tags (the association's `DisableSessionTags`), for example to
   * make room for a `sessionPolicy` or when the target role does not allow `sts:TagSession`. EKS Pod Identity only.
   *
   * Without tags nothing in EKS Pod Identity's request names the ServiceAccount, so this role's trust is
   * `pods.eks.amazonaws.com` without conditions (IrsaChecks reports IRSA11 and IRSA12 as acknowledged), and the pin
   * moves to the target role: it needs a `targetRole`, whose trust requires the association's `ExternalId`.
   *
   * @default false
   */
  readonly disableSessionTags?: boolean;

  /**
   * A session policy that narrows what pods may do with the target role's credentials (the association's `Policy`),
   * so that one target role can serve several ServiceAccounts, each with less. EKS Pod Identity only; EKS takes it only
   * with `disableSessionTags: true`. At most 2048 characters without whitespace, STS's limit for a session policy.
   *
   * @default - none: pods get every permission of the role
   */
  readonly sessionPolicy?: iam.PolicyDocument;
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

  /**
   * A role that already exists (another stack's or another team's), for pods of this ServiceAccount to use instead of
   * one cdk-irsa creates: cdk-irsa then writes only the annotation (IRSA) and the association (EKS Pod Identity).
   *
   * Its trust is its owner's: synthesis warns (`cdk-irsa:existingRoleTrust`) with the statements to add, and IrsaChecks
   * audits it when the role is in the app. The role options (`roleName`, `managedPolicies`, ...), `targetRole` and
   * `trust()` do not apply to it. With EKS Pod Identity it must be in the cluster's account (for a role of another
   * account, use `targetRole`); with IRSA, in the account of the cluster's OIDC provider.
   *
   * @default - a role that trusts exactly this ServiceAccount
   */
  readonly role?: iam.IRole;
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
 * to the role. With `role`, it uses a role that already exists instead, and creates only the association.
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
   * The `eks.amazonaws.com/*` annotations the ServiceAccount needs for IRSA: the role ARN, and the audience, regional
   * STS endpoints and token expiration when they are set. Empty for EKS Pod Identity alone.
   */
  public readonly serviceAccountAnnotations: Record<string, string>;

  /** How pods get the role. */
  public readonly identity: ServiceAccountIdentity;

  public readonly grantPrincipal: iam.IPrincipal;
  public readonly assumeRoleAction: string;
  public readonly principalAccount?: string;

  /** Why the role ARN is a token, when it is one. @internal */
  protected readonly _roleArnAtSynth: RoleArnAtSynth;

  /** The cluster the role was made for. @internal */
  protected readonly _cluster: IIrsaCluster;

  private readonly audience: string;
  private readonly trustPolicy = new ServiceAccountTrust();
  private readonly associations = new Map<string, eks.CfnPodIdentityAssociation>();
  private readonly target?: PodIdentityTarget;
  /** Set when the role is an existing one, whose trust cdk-irsa does not write. */
  private readonly existingRole?: iam.IRole;

  constructor(scope: Construct, id: string, props: IrsaServiceAccountRoleProps) {
    super(scope, id);

    const {
      cluster, name, namespace: requestedNamespace, audience: requestedAudience, stsRegionalEndpoints, tokenExpiration, identity,
      targetRole, disableSessionTags, sessionPolicy, role: existingRole, ...roleOptions
    } = props;
    this.identity = identity ?? ServiceAccountIdentity.IRSA;
    this._cluster = cluster;
    const namespace = requestedNamespace ?? 'default';
    const audience = requestedAudience ?? STS_AUDIENCE;
    validateServiceAccountName(this, this._kind, name);
    validateNamespace(this, this._kind, namespace);
    if (this.usesIrsa) validateAudience(this, this._kind, audience, cluster.clientIds);
    if (existingRole) this.refuseWithExistingRole({ ...roleOptions, targetRole, disableSessionTags, sessionPolicy });
    if (roleOptions.roleName !== undefined) validateRoleName(this, this._kind, roleOptions.roleName);
    if (roleOptions.path !== undefined) validateRolePath(this, this._kind, roleOptions.path);
    if (roleOptions.maxSessionDuration) validateMaxSessionDuration(this, this._kind, roleOptions.maxSessionDuration);
    if (roleOptions.inlinePolicies) validateInlinePolicies(this, this._kind, roleOptions.inlinePolicies);
    if (tokenExpiration) validateTokenExpiration(this, this._kind, tokenExpiration);
    if (!this.usesIrsa) this.refuseIrsaOnlyOptions({ audience: requestedAudience, stsRegionalEndpoints, tokenExpiration });
    if (!this.usesPodIdentity) this.refusePodIdentityOnlyOptions({ targetRole, disableSessionTags, sessionPolicy });
    this.audience = audience;
    if (existingRole) {
      this.existingRole = existingRole;
      this._roleArnAtSynth = existingRoleArnAtSynth(existingRole);
    } else {
      this._roleArnAtSynth = roleArnAtSynth(this, roleOptions.roleName ?? defaultRoleName(this), roleOptions.path ?? '/');
    }
    if (!targetRole && (disableSessionTags || sessionPolicy)) this.refuseUntaggedWithoutTarget(sessionPolicy !== undefined);
    this.target = targetRole ? this.targetOf(targetRole, disableSessionTags ?? false, sessionPolicy) : undefined;

    this.addSubjects(cluster, namespace, name, audience);
    claimServiceAccount(this, this._kind, cluster, namespace, name);
    const use: ExistingRoleUse = { cluster, namespace, name, audience, irsa: this.usesIrsa, podIdentity: this.usesPodIdentity };
    if (existingRole) validateExistingRole(this, this._kind, existingRole, use);
    this.role = existingRole ?? this.createRole(roleOptions, targetRole);
    if (existingRole) warnExistingRoleTrust(this, existingRole, use);

    this.roleArn = this._roleArnAtSynth.arn ?? this.role.roleArn;
    this.serviceAccountName = name;
    this.serviceAccountNamespace = namespace;
    this.serviceAccountAnnotations = this.usesIrsa
      ? serviceAccountAnnotations({ roleArn: this.roleArn, audience, stsRegionalEndpoints, tokenExpiration })
      : {};
    // Pods get the target's credentials, so a grant to the ServiceAccount belongs on the target.
    this.grantPrincipal = targetRole ?? this.role;
    this.assumeRoleAction = this.role.assumeRoleAction;
    this.principalAccount = this.grantPrincipal.principalAccount;
    if (this.usesPodIdentity) this.associate(cluster, namespace, name);
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
   * The trust stays exact (`StringEquals` on `sub` and `aud`, or on the EKS Pod Identity session tags); the subjects
   * of one provider and audience (or one cluster and namespace) share one statement. With EKS Pod Identity, the other
   * ServiceAccount gets an association too. Nothing is added to a chart: apply the same ServiceAccount manifest to the
   * other cluster (the role ARN is the same), or annotate the other ServiceAccount with `roleArn`. Synthesis fails when
   * the trust policy grows over IAM's maximum of 4096 characters, and warns over the default quota of 2048.
   */
  public trust(cluster: IIrsaCluster, options: IrsaTrustOptions = {}): void {
    this.refuseTrustOfExistingRole('trust()');
    const namespace = options.namespace ?? this.serviceAccountNamespace;
    const name = options.name ?? this.serviceAccountName;
    if (/[*?]/.test(name)) this.refuseWildcardName(namespace, name);
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
    this.refuseTrustOfExistingRole('trustAllServiceAccountsInNamespace()');
    if (this.usesPodIdentity) {
      fail(this, this._kind, `trustAllServiceAccountsInNamespace cannot work with EKS Pod Identity (identity ${this.identity}): an ` +
        'association names one ServiceAccount. Call trust() with each name, or use identity IRSA for a namespace wildcard.');
    }
    this.addTrust(cluster, namespace, undefined, options.audience);
  }

  /**
   * The EKS Pod Identity association of a ServiceAccount this role trusts (its own, or one added with `trust`), in
   * `cluster` (by default the role's own).
   *
   * @default - none: the role does not use EKS Pod Identity for that ServiceAccount
   */
  public podIdentityAssociation(namespace?: string, name?: string, cluster?: IIrsaCluster): eks.CfnPodIdentityAssociation | undefined {
    const key = associationKey(cluster ?? this._cluster, namespace ?? this.serviceAccountNamespace, name ?? this.serviceAccountName);
    return this.associations.get(key);
  }

  /** The principal of the role pods get (the target role, when there is one). */
  public get policyFragment(): iam.PrincipalPolicyFragment {
    return this.grantPrincipal.policyFragment;
  }

  /** Adds a statement to the policy of the role pods get (the target role, when there is one). */
  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    return this.grantPrincipal.addToPrincipalPolicy(statement);
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

  /** The role with its trust, and the one permission of a role that EKS Pod Identity chains into a target. */
  private createRole(roleOptions: IrsaRoleOptions, targetRole: iam.IRole | undefined): iam.Role {
    const roleName = roleOptions.roleName ?? defaultRoleName(this);
    const role = new iam.Role(this, 'Resource', { ...roleOptions, roleName, assumedBy: this.trustPolicy.initialPrincipal });
    this.trustPolicy.bind(role);
    if (this.target && !this.target.sessionTags) acknowledgeUntaggedTrust(role, this.target.role, targetRoleArnFor(this, this.target.role));
    if (targetRole) {
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: POD_IDENTITY_ACTIONS, resources: [targetRoleArnFor(this, targetRole)] }));
    }
    return role;
  }

  /** Options that shape the role cdk-irsa creates, which an existing role (its owner's) would silently ignore. */
  private refuseWithExistingRole(options: Record<string, unknown>): void {
    const set = Object.keys(options).filter(key => options[key] !== undefined);
    if (set.length === 0) return;
    const [verb, pronoun] = set.length === 1 ? ['is', 'it'] : ['are', 'them'];
    const target = set.includes('targetRole')
      ? ' To reach a role of another account through EKS Pod Identity, pass that role as targetRole and leave role out: cdk-irsa ' +
        'then creates the role in the cluster\'s account that assumes it.'
      : '';
    fail(this, this._kind, `${set.join(', ')} ${verb} set, but role names an existing role, whose settings and permissions are its ` +
      `owner's. Leave ${pronoun} out, or leave role out for a role cdk-irsa creates.${target}`);
  }

  /** An existing role's trust is its owner's: one more ServiceAccount goes into it there. */
  private refuseTrustOfExistingRole(call: string): void {
    if (!this.existingRole) return;
    fail(this, this._kind, `${call} cannot change the trust of an existing role (role is set), which is its owner's. Ask the owner ` +
      'to trust the other ServiceAccount too, and give that ServiceAccount its own IrsaServiceAccount (or IrsaServiceAccountRole) ' +
      'with the same role.');
  }

  /** A wildcard name given to trust(): say which call does that for IRSA, and why EKS Pod Identity has none. */
  private refuseWildcardName(namespace: string, name: string): never {
    const start = `trust() takes the name of one ServiceAccount, and ${JSON.stringify(name)} is a wildcard.`;
    const podIdentity = 'EKS Pod Identity has no wildcard: an association names one ServiceAccount, and EKS Auth gives credentials only ' +
      'to pods whose ServiceAccount has one.';
    if (this.identity === ServiceAccountIdentity.POD_IDENTITY) fail(this, this._kind, `${start} ${podIdentity} Call trust() with each name.`);
    const namespaceCall = `trustAllServiceAccountsInNamespace(cluster, ${JSON.stringify(namespace)})`;
    if (this.identity === ServiceAccountIdentity.IRSA_AND_POD_IDENTITY) {
      fail(this, this._kind, `${start} ${podIdentity} Call trust() with each name, or use identity IRSA and ${namespaceCall}.`);
    }
    fail(this, this._kind, `${start} To let every ServiceAccount of namespace ${JSON.stringify(namespace)} assume the role, call ` +
      `${namespaceCall}; anyone who can create a ServiceAccount there then gets the role, so prefer trust() with each name.`);
  }

  /** Options only the pod identity webhook reads, which EKS Pod Identity alone would silently ignore. */
  private refuseIrsaOnlyOptions(options: Record<string, unknown>): void {
    const set = Object.keys(options).filter(key => options[key] !== undefined);
    if (set.length === 0) return;
    const [verb, pronoun] = set.length === 1 ? ['is', 'it'] : ['are', 'them'];
    fail(this, this._kind, `${set.join(', ')} ${verb} set, but only IRSA reads ${pronoun}, and identity is POD_IDENTITY. ` +
      `Leave ${pronoun} out, or use IRSA_AND_POD_IDENTITY.`);
  }

  /** Options only EKS Pod Identity reads, which IRSA would silently ignore. */
  private refusePodIdentityOnlyOptions(options: Record<string, unknown>): void {
    const set = Object.keys(options).filter(key => options[key] !== undefined);
    if (set.length === 0) return;
    const [verb, pronoun] = set.length === 1 ? ['is', 'it'] : ['are', 'them'];
    fail(this, this._kind, `${set.join(', ')} ${verb} set, but only EKS Pod Identity reads ${pronoun}, and identity is IRSA. ` +
      `Leave ${pronoun} out, or use POD_IDENTITY (or IRSA_AND_POD_IDENTITY while moving).`);
  }

  /**
   * Without session tags, EKS Pod Identity's request names no ServiceAccount, so a role it assumes directly could only
   * trust every association of the account; a target role can still pin the association by its ExternalId.
   */
  private refuseUntaggedWithoutTarget(forSessionPolicy: boolean): never {
    const why = forSessionPolicy ? 'sessionPolicy is set, which EKS takes only with disableSessionTags, and without' : 'disableSessionTags is set: without';
    fail(this, this._kind, `${why} session tags nothing in EKS Pod Identity's request names the ServiceAccount, so this role's trust ` +
      'could not be pinned to it and any association in the account could use the role. Name a targetRole (a PodIdentityTargetRole, ' +
      `whose trust requires the association's ExternalId), or leave ${forSessionPolicy ? 'sessionPolicy' : 'disableSessionTags'} out.`);
  }

  /** The target role and how associations reach it, checked: what the session tags and the session policy need. */
  private targetOf(role: iam.IRole, disableSessionTags: boolean, sessionPolicy: iam.PolicyDocument | undefined): PodIdentityTarget {
    if (this._roleArnAtSynth.arn) validateTargetRole(this, this._kind, role, this._roleArnAtSynth.arn);
    if (sessionPolicy) {
      if (!disableSessionTags) {
        fail(this, this._kind, 'sessionPolicy is set, but EKS takes an association\'s Policy only with DisableSessionTags. Set ' +
          'disableSessionTags: true (the target role\'s trust is then pinned by the association\'s ExternalId), or leave sessionPolicy out.');
      }
      validateSessionPolicy(this, this._kind, sessionPolicy);
    }
    return { role, sessionTags: !disableSessionTags, sessionPolicy };
  }

  private get usesIrsa(): boolean {
    return this.identity !== ServiceAccountIdentity.POD_IDENTITY;
  }

  private get usesPodIdentity(): boolean {
    return this.identity !== ServiceAccountIdentity.IRSA;
  }

  private addTrust(cluster: IIrsaCluster, namespace: string, name: string | undefined, requestedAudience: string | undefined): void {
    const audience = requestedAudience ?? this.audience;
    validateNamespace(this, this._kind, namespace);
    if (this.usesIrsa) validateAudience(this, this._kind, audience, cluster.clientIds);
    this.addSubjects(cluster, namespace, name, audience);
    if (name !== undefined) claimServiceAccount(this, this._kind, cluster, namespace, name);
    if (this.usesPodIdentity) this.associate(cluster, namespace, name!);
  }

  /** The trust of one more ServiceAccount (or, for IRSA only, a namespace), for each identity the role uses. */
  private addSubjects(cluster: IIrsaCluster, namespace: string, name: string | undefined, audience: string): void {
    if (this.usesIrsa) {
      if (hasNoOidcProvider(cluster)) {
        fail(this, this._kind, `identity is ${this.identity}, but IrsaCluster '${cluster.node.path}' has createOidcProvider: false, so IAM ` +
          'trusts no token of its ServiceAccounts. Use identity: ServiceAccountIdentity.POD_IDENTITY, or leave createOidcProvider out.');
      }
      const provider = { providerArn: cluster.openIdConnectProviderArn, issuer: cluster.openIdConnectProviderIssuer };
      this.trustPolicy.addWebIdentity({ ...provider, audience, namespace, name });
    }
    if (this.usesPodIdentity) {
      const { clusterArn } = this.podIdentityCluster(cluster);
      if (this.target?.sessionTags === false) this.trustPolicy.addUntaggedPodIdentity();
      else this.trustPolicy.addPodIdentity({ clusterArn, namespace, name: name! });
    }
  }

  /** The cluster's name and ARN, which EKS Pod Identity cannot do without. */
  private podIdentityCluster(cluster: IIrsaCluster): { clusterName: string; clusterArn: string } {
    if (cluster.clusterName === undefined || cluster.clusterArn === undefined) {
      fail(this, this._kind, `identity is ${this.identity}, but the name of the cluster of '${cluster.node.path}' is not known, and EKS Pod ` +
        'Identity associations name the cluster. Pass clusterName (or cluster, or eksV2Cluster) to the IrsaCluster, or clusterName to ' +
        'IrsaCluster.fromIrsaClusterAttributes.');
    }
    return { clusterName: cluster.clusterName, clusterArn: cluster.clusterArn };
  }

  /** The association of one ServiceAccount with this role; its construct ID says which, so it never moves. */
  private associate(cluster: IIrsaCluster, namespace: string, name: string): void {
    const key = associationKey(cluster, namespace, name);
    if (this.associations.has(key)) return;
    const id = this.associations.size === 0 ? 'PodIdentityAssociation' : `PodIdentityAssociation${Names.uniqueId(cluster)}${namespace}${name}`;
    const { clusterName, clusterArn } = this.podIdentityCluster(cluster);
    const association = new eks.CfnPodIdentityAssociation(this, id, {
      clusterName,
      namespace,
      serviceAccount: name,
      // An existing role by its literal ARN: a role of another stack stays out of this stack's references.
      roleArn: this.existingRole ? this._roleArnAtSynth.arn ?? this.role.roleArn : this.role.roleArn,
    });
    this.associations.set(key, association);
    const target = this.target;
    if (!target) return;
    association.targetRoleArn = targetRoleArnFor(association, target.role);
    if (!target.sessionTags) association.disableSessionTags = true;
    if (target.sessionPolicy) association.policy = Stack.of(this).toJsonString(target.sessionPolicy);
    trustTargetRole(this, this._kind, target.role, {
      association, roleArn: this.roleArn, clusterArn, namespace, serviceAccount: name, sessionTags: target.sessionTags,
    });
  }

}

/** A Pod Identity target role, and what each association of the role passes on to it. */
interface PodIdentityTarget {
  readonly role: iam.IRole;
  readonly sessionTags: boolean;
  readonly sessionPolicy?: iam.PolicyDocument;
}

/**
 * A trust without session tags names no ServiceAccount, which IRSA11 and IRSA12 report; here that is by design, and
 * the acknowledgement says where the pin is instead.
 */
function acknowledgeUntaggedTrust(role: iam.Role, target: iam.IRole, targetArn: string): void {
  const shown = Token.isUnresolved(targetArn) ? `'${target.node.path}'` : targetArn;
  const reason = 'disableSessionTags: nothing EKS Pod Identity sends names the ServiceAccount; the role may only assume its target ' +
    `role ${shown}, whose trust requires the association's ExternalId`;
  Validations.of(role).acknowledge({ id: 'IRSA11', reason }, { id: 'IRSA12', reason });
}

function associationKey(cluster: IIrsaCluster, namespace: string, name: string): string {
  return `${cluster.node.path}\u0000${namespace}\u0000${name}`;
}
