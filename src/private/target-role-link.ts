import { Annotations, Stack, Stage, Token, TokenComparison } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { fail } from './construct-error';
import { partitionOfRegion } from './role-arn';
import { TargetRoleSource, targetRoleTrustStatements } from './target-role-trust';
import { PodIdentityTargetRole } from '../pod-identity-target-role';

/*
 * How a ServiceAccount role reaches its Pod Identity target role: the ARN its associations name, the one permission
 * it gets, the checks of the target, and the target's trust (written for a PodIdentityTargetRole, printed for any
 * other role, whose trust is its owner's).
 */

/** The warning that prints the statements a target role's owner must add. */
export const TARGET_ROLE_TRUST_WARNING = 'cdk-irsa:targetRoleTrust';

/** The target's ARN as the association's stack can use it. */
export function targetRoleArnFor(association: IConstruct, targetRole: iam.IRole): string {
  return PodIdentityTargetRole._of(targetRole)?._roleArnFor(association) ?? targetRole.roleArn;
}

/** Refuses a target that cannot work: the role itself, or a role in another partition than the cluster's. */
export function validateTargetRole(scope: IConstruct, kind: string, targetRole: iam.IRole, ownRoleArn: string): void {
  const targetArn = targetRoleArnFor(scope, targetRole);
  if (!Token.isUnresolved(targetArn) && targetArn === ownRoleArn) {
    fail(scope, kind, `targetRole ${JSON.stringify(targetArn)} is this ServiceAccount's own role, which EKS Pod Identity would assume ` +
      'twice. Leave targetRole out, or name the role in the account of the resources.');
  }
  const own = partitionOf(scope);
  const target = PodIdentityTargetRole._of(targetRole) ? partitionOf(PodIdentityTargetRole._of(targetRole)!) : arnPartition(targetArn);
  if (own !== undefined && target !== undefined && own !== target) {
    fail(scope, kind, `targetRole ${JSON.stringify(targetArn)} is in partition ${target}, but the cluster's role is in ${own}: IAM roles ` +
      `trust no role of another partition. Name a target role in ${own}.`);
  }
}

/**
 * Whether CloudFormation can hand a value of `from`'s stack (the association's ExternalId) to `to`'s stack: the same
 * stack, or another stack of the same stage and environment (a cross-stack export). Across environments it cannot.
 */
export function canReference(from: IConstruct, to: IConstruct): boolean {
  const a = Stack.of(from);
  const b = Stack.of(to);
  if (a === b) return true;
  if (Stage.of(a) !== Stage.of(b)) return false;
  const same = (x: string, y: string) => [TokenComparison.SAME, TokenComparison.BOTH_UNRESOLVED].includes(Token.compareStrings(x, y));
  return same(a.account, b.account) && same(a.region, b.region);
}

/** What the target needs to know of one association. */
export interface TargetRoleAssociation extends Omit<TargetRoleSource, 'externalId'> {
  readonly association: eks.CfnPodIdentityAssociation;
}

/**
 * Writes the target's trust for one association when cdk-irsa owns it (a PodIdentityTargetRole), with the
 * ExternalId when its stack can reference it; otherwise warns with the statements the role's owner must add.
 */
export function trustTargetRole(scope: IConstruct, kind: string, targetRole: iam.IRole, link: TargetRoleAssociation): void {
  const { association, ...source } = link;
  const owner = PodIdentityTargetRole._of(targetRole);
  if (owner) {
    const externalId = canReference(association, owner) ? association.attrExternalId : undefined;
    if (!source.sessionTags && externalId === undefined) {
      fail(scope, kind, 'disableSessionTags is set, so only the association\'s ExternalId can pin the trust of PodIdentityTargetRole ' +
        `'${owner.node.path}', but its stack is in another environment than the association's, where CloudFormation cannot pass ` +
        'the ExternalId. Keep session tags (leave disableSessionTags out), or put the target role in the environment of the cluster.');
    }
    owner._trust({ ...source, externalId });
    return;
  }
  const statements = targetRoleTrustStatements({
    ...source,
    roleArn: shown(source.roleArn, `the ARN of role '${scope.node.path}'`),
    clusterArn: shown(source.clusterArn, 'the cluster\'s ARN'),
    externalId: source.sessionTags ? undefined : `<the ExternalId of '${association.node.path}'>`,
  }).map(statement => statement.toStatementJson());
  const externalIdAdvice = source.sessionTags
    ? 'After the first deploy, also require "sts:ExternalId" in the sts:AssumeRole statement, equal to the association\'s ExternalId ' +
      '(its CloudFormation attribute ExternalId, or aws eks describe-pod-identity-association), which pins exactly this association.'
    : 'The ExternalId is known after the first deploy: its CloudFormation attribute ExternalId, or aws eks describe-pod-identity-association.';
  Annotations.of(scope).addWarningV2(TARGET_ROLE_TRUST_WARNING,
    `targetRole ${JSON.stringify(shown(targetRole.roleArn, 'the target role\'s ARN'))} is not a PodIdentityTargetRole, so cdk-irsa cannot ` +
    `write its trust. Its owner must add these statements, or no pod of ${source.namespace}/${source.serviceAccount} gets credentials: ` +
    `${JSON.stringify(statements)}. ${externalIdAdvice}`);
}

/** A literal value, or what it stands for in angle brackets. */
export function shown(value: string, what: string): string {
  return Token.isUnresolved(value) ? `<${what}>` : value;
}

/** The partition of `scope`'s stack, from its region when the partition is a token; undefined when neither is known. */
export function partitionOf(scope: IConstruct): string | undefined {
  const stack = Stack.of(scope);
  if (!Token.isUnresolved(stack.partition)) return stack.partition;
  return Token.isUnresolved(stack.region) ? undefined : partitionOfRegion(stack.region);
}

function arnPartition(arn: string): string | undefined {
  if (Token.isUnresolved(arn)) return undefined;
  return /^arn:([^:]+):/.exec(arn)?.[1];
}
