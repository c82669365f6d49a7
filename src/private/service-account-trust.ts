import { Annotations, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import {
  ASSUME_ROLE_WITH_WEB_IDENTITY,
  POD_IDENTITY_ACTIONS,
  POD_IDENTITY_SERVICE_PRINCIPAL,
  requestTagKey,
  serviceAccountSubject,
} from './irsa-constants';
import { StackValues } from './stack-values';
import {
  estimateTrustPolicySize, policySize, TRUST_POLICY_DEFAULT_QUOTA, TRUST_POLICY_MAX_QUOTA,
  WORST_CASE_AUDIENCE, WORST_CASE_ISSUER, WORST_CASE_PROVIDER_ARN_PREFIX,
} from './trust-policy-size';

/** A CDK token in a string (a deploy-time value). */
const TOKEN_STRING = /\$\{Token\[[^\]]*\]\}/g;

/** A ServiceAccount that may assume a role through IRSA: a token from `issuer` with this `sub` and `aud`. */
export interface TrustedServiceAccount {
  /** ARN of the IAM OIDC provider of the issuer; the Federated principal. */
  readonly providerArn: string;
  /** The issuer without `https://`, the prefix of the `:sub` and `:aud` condition keys. */
  readonly issuer: string;
  readonly audience: string;
  readonly namespace: string;
  /** The ServiceAccount name; `undefined` trusts every ServiceAccount of the namespace (an explicit opt-in). */
  readonly name?: string;
}

/** A ServiceAccount that may assume a role through EKS Pod Identity: the session tags EKS sets for it. */
export interface PodIdentityServiceAccount {
  /** The ARN of its cluster (`aws:RequestTag/eks-cluster-arn`); may be a token. */
  readonly clusterArn: string;
  readonly namespace: string;
  readonly name: string;
}

/** IRSA statements share a provider, an audience and an operator; their subjects are packed into one value. */
interface WebIdentityGroup {
  readonly kind: 'web-identity';
  readonly providerArn: string;
  readonly issuer: string;
  readonly audience: string;
  readonly operator: 'StringEquals' | 'StringLike';
  readonly subjects: string[];
  readonly principal: iam.IPrincipal;
}

/**
 * Pod Identity statements share a cluster and a namespace; their ServiceAccount names are packed into one value. A
 * statement never lists several namespaces (or clusters): with independent lists, every namespace would be paired with
 * every name, trusting ServiceAccounts nobody named.
 */
interface PodIdentityGroup {
  readonly kind: 'pod-identity';
  readonly clusterArn: string;
  readonly namespace: string;
  readonly names: string[];
  /** `pods.eks.amazonaws.com` with the conditions: the principal of a statement that lists both actions. */
  readonly conditioned: iam.IPrincipal;
  /** The same, adding `sts:TagSession` to the `sts:AssumeRole` statement `assumedBy` makes. */
  readonly principal: iam.IPrincipal;
}

/**
 * The one statement of a role whose associations disable session tags: nothing EKS sends can pin it, so the pin is in
 * the target role's trust (the association's ExternalId), and this role may only assume that target.
 */
interface UntaggedPodIdentityGroup {
  readonly kind: 'pod-identity-untagged';
  readonly principal: iam.IPrincipal;
}

type TrustGroup = WebIdentityGroup | PodIdentityGroup | UntaggedPodIdentityGroup;

/**
 * The trust policy of a ServiceAccount's role, with exact conditions only:
 * - IRSA: only `sts:AssumeRoleWithWebIdentity`, only from named OIDC providers, with exact `<issuer>:sub` and
 *   `<issuer>:aud` conditions (`StringLike` on `sub` solely for an explicitly requested namespace wildcard);
 * - EKS Pod Identity: only `sts:AssumeRole` and `sts:TagSession` by `pods.eks.amazonaws.com`, with exact conditions on
 *   the session tags EKS sets for the cluster, the namespace and the ServiceAccount.
 *
 * The statements live in the role's own `assumeRolePolicy`, so the L2 role stays truthful. When an issuer is a token,
 * the IRSA condition keys are tokens too; CloudFormation templates cannot have intrinsic object keys, so the document
 * is then rendered as a token-aware JSON string (`Stack.toJsonString`, an `Fn::Join`), which `AssumeRolePolicyDocument`
 * accepts. No `CfnJson` custom resource, hence no Lambda.
 */
export class ServiceAccountTrust {
  private readonly groups: TrustGroup[] = [];
  private role?: iam.Role;
  private renderedAsString = false;

  /** The principal to create the role with (`assumedBy`); it carries the first statement. Add a subject first. */
  public get initialPrincipal(): iam.IPrincipal {
    return this.groups[0].principal;
  }

  /** Attaches the trust to the role created with `initialPrincipal`; later subjects are added to it. */
  public bind(role: iam.Role): void {
    this.role = role;
    for (const group of this.groups.slice(1)) {
      this.addStatement(group);
    }
    this.renderAsStringIfNeeded();
    role.node.addValidation({ validate: () => this.validateSize() });
  }

  /** Trusts one more ServiceAccount (or namespace) through IRSA; a subject already trusted is not added twice. */
  public addWebIdentity(account: TrustedServiceAccount): void {
    const operator = account.name === undefined ? 'StringLike' : 'StringEquals';
    const subject = serviceAccountSubject(account.namespace, account.name);
    const existing = this.groups.find((g): g is WebIdentityGroup => g.kind === 'web-identity' &&
      g.providerArn === account.providerArn && g.audience === account.audience && g.operator === operator);
    if (existing) {
      if (!existing.subjects.includes(subject)) existing.subjects.push(subject);
      return;
    }
    const subjects = [subject];
    const conditions = webIdentityConditions(operator, account.issuer, oneOrList(subjects), account.audience);
    this.addGroup({
      kind: 'web-identity',
      providerArn: account.providerArn,
      issuer: account.issuer,
      audience: account.audience,
      operator,
      subjects,
      principal: new iam.WebIdentityPrincipal(account.providerArn, conditions),
    });
  }

  /** Trusts one more ServiceAccount through EKS Pod Identity; one already trusted is not added twice. */
  public addPodIdentity(account: PodIdentityServiceAccount): void {
    const existing = this.groups.find((g): g is PodIdentityGroup => g.kind === 'pod-identity' &&
      g.clusterArn === account.clusterArn && g.namespace === account.namespace);
    if (existing) {
      if (!existing.names.includes(account.name)) existing.names.push(account.name);
      return;
    }
    const names = [account.name];
    const conditioned = new iam.ServicePrincipal(POD_IDENTITY_SERVICE_PRINCIPAL)
      .withConditions(podIdentityConditions(account.clusterArn, account.namespace, oneOrList(names)));
    this.addGroup({
      kind: 'pod-identity',
      clusterArn: account.clusterArn,
      namespace: account.namespace,
      names,
      conditioned,
      principal: new iam.SessionTagsPrincipal(conditioned),
    });
  }

  /**
   * Lets EKS Pod Identity assume the role for associations without session tags, which nothing else can pin: only for
   * a role whose one permission is assuming a target role that pins the association's ExternalId.
   */
  public addUntaggedPodIdentity(): void {
    if (this.groups.some(g => g.kind === 'pod-identity-untagged')) return;
    this.addGroup({ kind: 'pod-identity-untagged', principal: new iam.SessionTagsPrincipal(new iam.ServicePrincipal(POD_IDENTITY_SERVICE_PRINCIPAL)) });
  }

  /** The statements of the trust, one per group, as a role's owner adds them to a role cdk-irsa does not create. */
  public get statements(): iam.PolicyStatement[] {
    return this.groups.map(statementOf);
  }

  /** Every subject the role trusts, in the order they were added: IRSA `sub` values, and `<namespace>/<name>` of Pod Identity. */
  public get subjects(): string[] {
    return this.groups.flatMap(g => {
      if (g.kind === 'web-identity') return g.subjects;
      return g.kind === 'pod-identity' ? g.names.map(name => `${g.namespace}/${name}`) : [];
    });
  }

  /**
   * The characters IAM would count for this policy (an upper bound when parts are tokens), estimated the way the
   * IrsaChecks rule IRSA8 estimates it, from the policy as the template will hold it.
   */
  public get estimatedSize(): number {
    const role = this.role!;
    const stack = Stack.of(role);
    const values = new StackValues(stack);
    const document = values.readDocument(stack.resolve((role.node.defaultChild as iam.CfnRole).assumeRolePolicyDocument));
    return estimateTrustPolicySize(document as Record<string, unknown>, values);
  }

  /**
   * An upper bound of `estimatedSize` built from the trust groups alone, without resolving the role: the statements
   * as they render, with each deploy-time part of an issuer, provider ARN or cluster ARN as long as a provider ARN and
   * of an audience as long as the longest client ID, the most `estimatedSize` counts for them. Unbounded when the
   * role's policy holds statements this class did not write.
   */
  public get sizeUpperBound(): number {
    if (this.role?.assumeRolePolicy?.statementCount !== this.groups.length) return Infinity;
    const arn = 'x'.repeat(WORST_CASE_PROVIDER_ARN_PREFIX.length + WORST_CASE_ISSUER.length);
    const atMost = (value: string, longest: string) => (Token.isUnresolved(value) ? value.replace(TOKEN_STRING, longest) : value);
    const oneOrAll = (values: string[]) => (values.length === 1 ? values[0] : values);
    const statements = this.groups.map(group => {
      if (group.kind === 'pod-identity-untagged') {
        return { Action: POD_IDENTITY_ACTIONS, Effect: 'Allow', Principal: { Service: POD_IDENTITY_SERVICE_PRINCIPAL } };
      }
      if (group.kind === 'pod-identity') {
        return {
          Action: POD_IDENTITY_ACTIONS,
          Condition: podIdentityConditions(atMost(group.clusterArn, arn), group.namespace, oneOrAll(group.names)),
          Effect: 'Allow',
          Principal: { Service: POD_IDENTITY_SERVICE_PRINCIPAL },
        };
      }
      const issuer = atMost(group.issuer, arn);
      const aud = atMost(group.audience, WORST_CASE_AUDIENCE);
      return {
        Action: ASSUME_ROLE_WITH_WEB_IDENTITY,
        Condition: webIdentityConditions(group.operator, issuer, oneOrAll(group.subjects), aud),
        Effect: 'Allow',
        Principal: { Federated: atMost(group.providerArn, arn) },
      };
    });
    return policySize({ Version: '2012-10-17', Statement: statements });
  }

  private addGroup(group: TrustGroup): void {
    this.groups.push(group);
    if (this.role) {
      this.addStatement(group);
      this.renderAsStringIfNeeded();
    }
  }

  private addStatement(group: TrustGroup): void {
    this.role!.assumeRolePolicy!.addStatements(statementOf(group));
  }

  private renderAsStringIfNeeded(): void {
    const role = this.role!;
    if (this.renderedAsString || !this.groups.some(g => g.kind === 'web-identity' && Token.isUnresolved(g.issuer))) return;
    const cfnRole = role.node.defaultChild as iam.CfnRole;
    cfnRole.assumeRolePolicyDocument = Stack.of(role).toJsonString(role.assumeRolePolicy);
    this.renderedAsString = true;
  }

  private validateSize(): string[] {
    // Resolving the role for the estimate costs about as much as synthesizing it; most policies are far below the quota.
    if (this.sizeUpperBound <= TRUST_POLICY_DEFAULT_QUOTA) return [];
    const size = this.estimatedSize;
    if (size > TRUST_POLICY_MAX_QUOTA) {
      return [
        `the trust policy of role '${this.role!.node.path}' is about ${size} characters (${this.subjects.length} subjects); ` +
        `IAM rejects trust policies over ${TRUST_POLICY_MAX_QUOTA} characters even with a raised quota. ` +
        'Split the ServiceAccounts over several roles.',
      ];
    }
    if (size > TRUST_POLICY_DEFAULT_QUOTA) {
      Annotations.of(this.role!).addWarningV2('cdk-irsa:trustPolicySize',
        `The trust policy is about ${size} characters (${this.subjects.length} subjects), over IAM's default quota of ` +
        `${TRUST_POLICY_DEFAULT_QUOTA}. Deployment fails unless the account's "Role trust policy length" quota is raised ` +
        `(up to ${TRUST_POLICY_MAX_QUOTA}); otherwise split the ServiceAccounts over several roles.`);
    }
    return [];
  }
}

/** The statement of one group: its principal's conditions with its action (or both EKS Pod Identity actions). */
function statementOf(group: TrustGroup): iam.PolicyStatement {
  return group.kind === 'web-identity'
    ? new iam.PolicyStatement({ actions: [ASSUME_ROLE_WITH_WEB_IDENTITY], principals: [group.principal] })
    : new iam.PolicyStatement({ actions: POD_IDENTITY_ACTIONS, principals: [group.kind === 'pod-identity' ? group.conditioned : group.principal] });
}

/**
 * The conditions of a web-identity statement: exact `sub` (or, for a namespace, a `StringLike` pattern) and `aud`.
 * `subjects` is what renders as the `sub` value; the role's statement and the size bound share this shape.
 */
function webIdentityConditions(operator: 'StringEquals' | 'StringLike', issuer: string, subjects: unknown, audience: string) {
  return operator === 'StringLike'
    ? { StringLike: { [`${issuer}:sub`]: subjects }, StringEquals: { [`${issuer}:aud`]: audience } }
    : { StringEquals: { [`${issuer}:sub`]: subjects, [`${issuer}:aud`]: audience } };
}

/** The conditions of an EKS Pod Identity statement: the cluster, namespace and ServiceAccount session tags EKS sets. */
function podIdentityConditions(clusterArn: string, namespace: string, names: unknown) {
  return {
    StringEquals: {
      [requestTagKey('eks-cluster-arn')]: clusterArn,
      [requestTagKey('kubernetes-namespace')]: namespace,
      [requestTagKey('kubernetes-service-account')]: names,
    },
  };
}

/**
 * One subject renders as a string, like the AWS documentation's examples; several as a list. Uncached: `Lazy.any`
 * keeps its first value, so a subject added after anything resolved the policy would be silently dropped.
 */
function oneOrList(subjects: string[]): string {
  return Lazy.uncachedAny({ produce: () => (subjects.length === 1 ? subjects[0] : [...subjects]) }) as unknown as string;
}
