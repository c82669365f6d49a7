import { Stack, Token, TokenComparison } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { IrsaRoleOptions } from './irsa-role-options';
import { fail } from './private/construct-error';
import { defaultRoleName } from './private/default-role-name';
import { roleArnAtSynth } from './private/role-arn';
import { TargetRoleSource, targetRoleTrustStatements } from './private/target-role-trust';
import { validateInlinePolicies, validateMaxSessionDuration, validateRoleName, validateRolePath } from './private/validate-iam';

const KIND = 'PodIdentityTargetRole';

/**
 * Properties of a PodIdentityTargetRole: every `iam.RoleProps` option that applies to a role EKS Pod Identity
 * assumes on behalf of another role.
 */
export interface PodIdentityTargetRoleProps extends IrsaRoleOptions {}

/**
 * The role EKS Pod Identity assumes second, with the credentials of a ServiceAccount's role, and whose credentials the
 * pods get: put it in the account of the resources (another stack, another `env`) and grant it what the pods need.
 *
 * Its trust is written by the ServiceAccount roles that name it as their `targetRole`: exactly each one's role ARN
 * (never the account root), for `sts:AssumeRole` and `sts:TagSession`, pinned by the cluster, namespace and
 * ServiceAccount session tags EKS passes on (they are transitive), and by the association's `ExternalId` where
 * CloudFormation can hand it to this role's stack (the same stack, or another stack of the same environment). A
 * target role no ServiceAccount role names fails synthesis.
 *
 * Its name is derived from the construct path unless `roleName` is set, so the role ARN can cross environments.
 *
 * @example
 * declare const dataStack: Stack;
 * declare const irsa: IrsaCluster;
 * declare const bucket: s3.IBucket;
 * const reader = new PodIdentityTargetRole(dataStack, 'OrdersReader');
 * bucket.grantRead(reader);
 * irsa.addServiceAccount('Orders', {
 *   name: 'orders',
 *   identity: ServiceAccountIdentity.POD_IDENTITY,
 *   targetRole: reader.role,
 * });
 */
export class PodIdentityTargetRole extends Construct implements iam.IPrincipal {
  /** The PodIdentityTargetRole whose role `role` is, if any. @internal */
  public static _of(role: iam.IRole): PodIdentityTargetRole | undefined {
    return OWNERS.get(role);
  }

  /** The role. */
  public readonly role: iam.IRole;

  /** The role ARN, literal when the stack has a concrete account and region, a token otherwise. */
  public readonly roleArn: string;

  public readonly grantPrincipal: iam.IPrincipal;
  public readonly assumeRoleAction: string;
  public readonly principalAccount?: string;

  private readonly resource: iam.Role;
  private readonly roleName: string;
  private readonly path: string;
  private readonly sources: TargetRoleSource[] = [];

  constructor(scope: Construct, id: string, props: PodIdentityTargetRoleProps = {}) {
    super(scope, id);
    if (props.roleName !== undefined) validateRoleName(this, KIND, props.roleName);
    if (Token.isUnresolved(props.roleName) || Token.isUnresolved(props.path)) {
      fail(this, KIND, 'roleName or path is a token, but associations name a target role by its ARN before CloudFormation creates it, ' +
        'and the role\'s trust references them. Use literal values, or leave them out for a name derived from the construct path.');
    }
    if (props.path !== undefined) validateRolePath(this, KIND, props.path);
    if (props.maxSessionDuration) validateMaxSessionDuration(this, KIND, props.maxSessionDuration);
    if (props.inlinePolicies) validateInlinePolicies(this, KIND, props.inlinePolicies);

    this.roleName = props.roleName ?? defaultRoleName(this);
    this.path = props.path ?? '/';
    this.resource = new iam.Role(this, 'Resource', { ...props, roleName: this.roleName, assumedBy: new NoInitialTrust() });
    this.role = this.resource;
    this.roleArn = roleArnAtSynth(this, this.roleName, this.path).arn ?? this.resource.roleArn;
    this.grantPrincipal = this.resource;
    this.assumeRoleAction = this.resource.assumeRoleAction;
    this.principalAccount = this.resource.principalAccount;
    OWNERS.set(this.resource, this);
    this.node.addValidation({
      validate: () => (this.sources.length > 0 ? [] : [
        `${KIND} '${this.node.path}' is the targetRole of no ServiceAccount role, so nothing can assume it. Name it as the ` +
        'targetRole of an EKS Pod Identity ServiceAccount (addServiceAccount or addServiceAccountRole), or remove it.',
      ]),
    });
  }

  /** The role's principal: the same statements `role.policyFragment` would give. */
  public get policyFragment(): iam.PrincipalPolicyFragment {
    return this.resource.policyFragment;
  }

  /** Adds a statement to the role's policy. */
  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    return this.resource.addToPrincipalPolicy(statement);
  }

  /** Lets one more association's role assume this role, with every pin that reaches it. @internal */
  public _trust(source: TargetRoleSource): void {
    this.sources.push(source);
    this.resource.assumeRolePolicy!.addStatements(...targetRoleTrustStatements(source));
  }

  /**
   * The role ARN as `consumer`'s stack can use it without depending on this role, whose trust may reference the
   * consumer (the association's ExternalId): literal when the environment is concrete; built from the consumer's own
   * pseudo parameters in this role's stack, or in another environment-agnostic stack (one account at deploy time);
   * a reference otherwise (another environment, where CDK uses the role's physical name). @internal
   */
  public _roleArnFor(consumer: IConstruct): string {
    if (!Token.isUnresolved(this.roleArn)) return this.roleArn;
    const consumerStack = Stack.of(consumer);
    const ownStack = Stack.of(this);
    const sameAccount = consumerStack === ownStack ||
      Token.compareStrings(consumerStack.account, ownStack.account) === TokenComparison.BOTH_UNRESOLVED;
    if (!sameAccount) return this.roleArn;
    return consumerStack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: `${this.path.slice(1)}${this.roleName}` });
  }
}

const OWNERS = new WeakMap<iam.IRole, PodIdentityTargetRole>();

/** A principal that adds nothing to the trust it starts: the ServiceAccount roles that name the target write it. */
class NoInitialTrust extends iam.PrincipalBase {
  public readonly policyFragment = new iam.PrincipalPolicyFragment({});

  public addToAssumeRolePolicy(_document: iam.PolicyDocument): void {}

  public dedupeString(): string | undefined {
    return undefined;
  }
}
