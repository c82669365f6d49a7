import { CfnResource, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { ROLE_RESOURCE_TYPE } from '../private/irsa-constants';
import { asArray, isObject, isPodIdentityStatement, statementsOf } from '../private/policy-statements';
import { StackValues } from '../private/stack-values';
import { canReference } from '../private/target-role-link';

/*
 * The EKS Pod Identity chains of an app, for the rules that need more than one role's trust: which associations name a
 * role as their target, what an association's role may do besides assuming its target, and which roles EKS Pod Identity
 * assumes with session tags (so a role they chain into must allow sts:TagSession). Roles and associations are matched
 * across stacks by what a template says of them: a Fn::GetAtt in the same stack, or the role name in a literal (or
 * partly literal) ARN; a reference only known at deploy time (an Fn::ImportValue) matches nothing.
 */

const ASSOCIATION_RESOURCE_TYPE = 'AWS::EKS::PodIdentityAssociation';
const POLICY_RESOURCE_TYPES = ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy'];
const TARGET_ACTIONS = ['sts:assumerole', 'sts:tagsession'];

/** An association that names a role as its target. */
export interface ChainedAssociation {
  /** The association's construct path, for messages. */
  readonly path: string;
  /** Whether CloudFormation can hand its ExternalId to the target's stack (same stack, or same environment). */
  readonly externalIdReachable: boolean;
}

/** What the chain rules know of one role beyond its own trust. */
export interface RoleChainContext {
  /** The associations in the app that name the role as their target. */
  readonly targetOf: ChainedAssociation[];
  /** When the role is an association's role with a target: its permission statements that are more than assuming it. */
  readonly beyondTarget: string[];
  /** The target roles its associations name, quoted, when it has any. */
  readonly targetsShown: string[];
  /** Whether an AWS principal of the role's trust (as read in its stack) is a role EKS Pod Identity assumes with session tags. */
  readonly isTaggedPodIdentityRole: (principal: string) => boolean;
}

/** A role as a reference in a template can name it. */
interface RoleIdentity {
  readonly stack: Stack;
  readonly logicalId: string;
  readonly roleName?: string;
}

/** An association as the chain rules read it. */
interface ReadAssociation {
  readonly resource: CfnResource;
  readonly role?: RoleIdentity;
  readonly target?: RoleIdentity;
  /** Its TargetRoleArn as read in its stack, when it has one. */
  readonly targetText?: string;
  /** Whether it passes session tags. */
  readonly tagged: boolean;
}

/** Reads the app's roles and associations once, when the first role is audited. */
export class PodIdentityChains {
  private readonly roles: Array<RoleIdentity & { readonly resource: CfnResource }> = [];
  private readonly associations: ReadAssociation[] = [];
  private readonly taggedPodIdentityRoles = new Set<CfnResource>();

  constructor(root: IConstruct, private readonly valuesOf: (stack: Stack) => StackValues) {
    const resources = root.node.findAll().filter(CfnResource.isCfnResource);
    for (const resource of resources.filter(r => r.cfnResourceType === ROLE_RESOURCE_TYPE)) {
      const stack = Stack.of(resource);
      const roleName = this.valuesOf(stack).propertiesOf(resource).RoleName;
      this.roles.push({ resource, stack, logicalId: stack.resolve(resource.logicalId), roleName: typeof roleName === 'string' ? roleName : undefined });
    }
    for (const resource of resources.filter(r => r.cfnResourceType === ASSOCIATION_RESOURCE_TYPE)) {
      const values = this.valuesOf(Stack.of(resource));
      const properties = values.read(values.propertiesOf(resource)) as Record<string, unknown>;
      this.associations.push({
        resource,
        role: this.roleNamedBy(resource, properties.RoleArn),
        target: this.roleNamedBy(resource, properties.TargetRoleArn),
        targetText: typeof properties.TargetRoleArn === 'string' ? properties.TargetRoleArn : undefined,
        tagged: properties.DisableSessionTags !== true && properties.DisableSessionTags !== 'true',
      });
    }
    for (const role of this.roles) {
      const values = this.valuesOf(role.stack);
      const trust = values.readDocument(values.propertiesOf(role.resource).AssumeRolePolicyDocument);
      const podIdentity = statementsOf(trust).some(statement => isPodIdentityStatement(statement));
      const untagged = this.associations.some(a => a.role?.logicalId === role.logicalId && a.role.stack === role.stack && !a.tagged);
      if (podIdentity && !untagged) this.taggedPodIdentityRoles.add(role.resource);
    }
  }

  public contextOf(role: CfnResource): RoleChainContext {
    const identity = this.roles.find(r => r.resource === role)!;
    const same = (other?: RoleIdentity) => other !== undefined && other.stack === identity.stack && other.logicalId === identity.logicalId;
    const targetOf = this.associations.filter(a => same(a.target)).map(a => ({
      path: a.resource.node.path,
      externalIdReachable: canReference(a.resource, role),
    }));
    const chained = this.associations.filter(a => same(a.role) && a.targetText !== undefined);
    const values = this.valuesOf(identity.stack);
    const targets = chained.map(a => a.targetText!);
    return {
      targetOf,
      beyondTarget: chained.length > 0 ? this.statementsBeyond(identity, targets) : [],
      targetsShown: [...new Set(targets)].map(t => JSON.stringify(values.mapPlaceholders(t, () => '${...}'))),
      isTaggedPodIdentityRole: principal => {
        const named = this.roleNamedByText(identity.stack, principal);
        return named !== undefined && this.taggedPodIdentityRoles.has(named.resource);
      },
    };
  }

  /** The role an ARN value of `from`'s stack names: by Fn::GetAtt in that stack, or by the role name at its end. */
  private roleNamedBy(from: CfnResource, value: unknown): (RoleIdentity & { resource: CfnResource }) | undefined {
    return typeof value === 'string' ? this.roleNamedByText(Stack.of(from), value) : undefined;
  }

  private roleNamedByText(stack: Stack, text: string): (RoleIdentity & { resource: CfnResource }) | undefined {
    const values = this.valuesOf(stack);
    const intrinsic = values.intrinsicOf(text) as { 'Fn::GetAtt'?: unknown[] } | undefined;
    const getAtt = intrinsic?.['Fn::GetAtt'];
    if (Array.isArray(getAtt) && getAtt[1] === 'Arn') return this.roles.find(r => r.stack === stack && r.logicalId === getAtt[0]);
    const name = /:role\/(?:[^\uE000]*\/)?([\w+=,.@-]+)$/.exec(text)?.[1];
    if (name === undefined) return undefined;
    const account = /^arn:[^:]*:iam::(\d{12}):/.exec(text)?.[1];
    return this.roles.find(r => r.roleName === name && (account === undefined || !/^\d{12}$/.test(r.stack.account) || r.stack.account === account));
  }

  /** The role's permission statements (inline, attached policies, managed policy ARNs) that do more than assume `targets`. */
  private statementsBeyond(role: RoleIdentity & { resource: CfnResource }, targets: string[]): string[] {
    const values = this.valuesOf(role.stack);
    const properties = values.read(values.propertiesOf(role.resource)) as Record<string, unknown>;
    const documents = asArray(properties.Policies).map(p => (isObject(p) ? p.PolicyDocument : undefined));
    for (const resource of role.stack.node.findAll().filter(CfnResource.isCfnResource)) {
      if (!POLICY_RESOURCE_TYPES.includes(resource.cfnResourceType) || Stack.of(resource) !== role.stack) continue;
      const policy = values.read(values.propertiesOf(resource)) as Record<string, unknown>;
      const attached = asArray(policy.Roles).some(r => isObject(values.intrinsicOf(String(r))) &&
        (values.intrinsicOf(String(r)) as { Ref?: unknown }).Ref === role.logicalId);
      if (attached) documents.push(policy.PolicyDocument);
    }
    const beyond = statementsOf(documents.length === 1 ? documents[0] : { Statement: documents.flatMap(statementsOf) })
      .filter(statement => !onlyAssumes(statement, targets))
      .map(statement => values.mapPlaceholders(JSON.stringify(statement), () => '${...}'));
    const managed = asArray(properties.ManagedPolicyArns).map(arn => `managed policy ${values.mapPlaceholders(JSON.stringify(arn), () => '${...}')}`);
    return [...beyond, ...managed];
  }
}

/** Whether a statement allows nothing but sts:AssumeRole and sts:TagSession on the targets (a Deny narrows, so it is fine). */
function onlyAssumes(statement: unknown, targets: string[]): boolean {
  if (!isObject(statement)) return false;
  if (statement.Effect === 'Deny') return true;
  const actions = asArray(statement.Action);
  return statement.NotAction === undefined && statement.NotResource === undefined && actions.length > 0 &&
    actions.every(a => typeof a === 'string' && TARGET_ACTIONS.includes(a.toLowerCase())) &&
    asArray(statement.Resource).every(r => typeof r === 'string' && targets.includes(r));
}
