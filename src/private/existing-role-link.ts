import { Annotations, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { fail } from './construct-error';
import { RoleArnAtSynth, roleArnAtSynth } from './role-arn';
import { ServiceAccountTrust } from './service-account-trust';
import { partitionOf, shown } from './target-role-link';
import type { IIrsaCluster } from '../irsa-cluster';
import { PodIdentityTargetRole } from '../pod-identity-target-role';

/*
 * A ServiceAccount given a role that already exists (another stack's, another team's): cdk-irsa creates only the
 * annotation and the association, checks what it can see of the role, and prints the trust its owner must add.
 */

/** The warning that prints the statements an existing role's owner must add. */
export const EXISTING_ROLE_TRUST_WARNING = 'cdk-irsa:existingRoleTrust';

/** The ServiceAccount an existing role is for, and how its pods reach it. */
export interface ExistingRoleUse {
  readonly cluster: IIrsaCluster;
  readonly namespace: string;
  readonly name: string;
  readonly audience: string;
  readonly irsa: boolean;
  readonly podIdentity: boolean;
}

/** The existing role's ARN as far as it is known at synth time: literal, or built from a role of the app with a literal name. */
export function existingRoleArnAtSynth(role: iam.IRole): RoleArnAtSynth {
  if (!Token.isUnresolved(role.roleArn)) return { arn: role.roleArn };
  const cfnRole = role.node.defaultChild;
  const roleName = cfnRole instanceof iam.CfnRole ? cfnRole.roleName : undefined;
  if (roleName !== undefined && !Token.isUnresolved(roleName)) return roleArnAtSynth(cfnRole!, roleName, (cfnRole as iam.CfnRole).path ?? '/');
  return {
    unknownBecause: `role '${role.node.path}' is named only at deploy time (give it a roleName, or import it with iam.Role.fromRoleArn)`,
  };
}

/**
 * Refuses an existing role that cannot work: a role cdk-irsa made for another purpose (whose own call does it right),
 * or one in an account or partition the ServiceAccount's pods cannot reach it from.
 */
export function validateExistingRole(scope: IConstruct, kind: string, role: iam.IRole, use: ExistingRoleUse): void {
  const roleShown = shownArn(role);
  const owner = role.node.scope;
  if (owner && role.node.id === 'Resource' && isServiceAccountRole(owner)) {
    fail(scope, kind, `role ${roleShown} is the role of '${owner.node.path}', which writes its own trust. Call its trust(cluster, ` +
      `{ namespace: ${JSON.stringify(use.namespace)}, name: ${JSON.stringify(use.name)} }) instead, and leave role out here.`);
  }
  if (PodIdentityTargetRole._of(role)) {
    fail(scope, kind, `role ${roleShown} is a PodIdentityTargetRole, which EKS Pod Identity reaches through a role of the cluster's ` +
      'account. Pass it as targetRole (with identity POD_IDENTITY) instead of role.');
  }
  const { account, partition } = accountOf(role);
  const ownPartition = partitionOf(scope);
  if (partition !== undefined && ownPartition !== undefined && partition !== ownPartition) {
    fail(scope, kind, `role ${roleShown} is in partition ${partition}, but the cluster is in ${ownPartition}: no role of another ` +
      `partition trusts its ServiceAccounts. Use a role in ${ownPartition}.`);
  }
  if (account === undefined) return;
  const clusterAccount = Stack.of(scope).account;
  if (use.podIdentity && !Token.isUnresolved(clusterAccount) && account !== clusterAccount) {
    fail(scope, kind, `role ${roleShown} is in account ${account}, but EKS Pod Identity assumes only a role of the cluster's account ` +
      `(${clusterAccount}). Pass it as targetRole instead: cdk-irsa then creates the association's role in ${clusterAccount}, and ` +
      'that role assumes yours.');
  }
  const providerAccount = use.irsa ? providerAccountOf(use.cluster) : undefined;
  if (providerAccount !== undefined && account !== providerAccount) {
    fail(scope, kind, `role ${roleShown} is in account ${account}, but the OIDC provider of '${use.cluster.node.path}' is in ` +
      `${providerAccount}, and an IRSA role trusts only a provider of its own account. Give this ServiceAccount an IrsaCluster in ` +
      `${account} built from the cluster's issuer (issuerUrl), which creates the provider there.`);
  }
}

/**
 * Warns with the trust statements the existing role needs for this ServiceAccount, in the form cdk-irsa writes them
 * for its own roles (exact `sub` and `aud`, or the EKS Pod Identity session tags).
 */
export function warnExistingRoleTrust(scope: IConstruct, role: iam.IRole, use: ExistingRoleUse): void {
  const trust = new ServiceAccountTrust();
  const { cluster, namespace, name } = use;
  if (use.irsa) {
    const issuer = shown(cluster.openIdConnectProviderIssuer, `the issuer of '${cluster.node.path}', without https://`);
    trust.addWebIdentity({ providerArn: shownProviderArn(cluster), issuer, audience: use.audience, namespace, name });
  }
  if (use.podIdentity) {
    trust.addPodIdentity({ clusterArn: shownClusterArn(cluster), namespace, name });
  }
  const statements = trust.statements.map(statement => Stack.of(scope).resolve(statement.toStatementJson()));
  const audited = role.node.defaultChild instanceof iam.CfnRole
    ? ' The role is in this app, so IrsaChecks (when applied) audits its trust like any other.'
    : '';
  Annotations.of(scope).addWarningV2(EXISTING_ROLE_TRUST_WARNING,
    `role ${shownArn(role)} already exists, so cdk-irsa does not write its trust. Its owner must add ` +
    `${statements.length === 1 ? 'this statement' : 'these statements'}, or no pod of ${namespace}/${name} gets its credentials: ` +
    `${JSON.stringify(statements)}.${audited} Once the trust is in, acknowledge this warning ` +
    `(Annotations.of(serviceAccount).acknowledgeWarning('${EXISTING_ROLE_TRUST_WARNING}')).`);
}

/** Whether a construct is an IrsaServiceAccountRole, without importing the class (which imports this file). */
function isServiceAccountRole(construct: IConstruct): boolean {
  return typeof (construct as { trustAllServiceAccountsInNamespace?: unknown }).trustAllServiceAccountsInNamespace === 'function';
}

/** The role's account and partition where they are literal: from its ARN, or from its stack for a role of the app. */
function accountOf(role: iam.IRole): { account?: string; partition?: string } {
  const parsed = /^arn:([^:]+):iam::(\d{12}):role\//.exec(Token.isUnresolved(role.roleArn) ? '' : role.roleArn);
  if (parsed) return { partition: parsed[1], account: parsed[2] };
  const account = Token.isUnresolved(role.env.account) ? undefined : role.env.account;
  return { account, partition: role.node.defaultChild instanceof iam.CfnRole ? partitionOf(role) : undefined };
}

/** The account of the cluster's OIDC provider: from its ARN, or the stack of an IrsaCluster that creates it. */
function providerAccountOf(cluster: IIrsaCluster): string | undefined {
  const arn = cluster.openIdConnectProviderArn;
  if (!Token.isUnresolved(arn)) return /^arn:[^:]+:iam::(\d{12}):/.exec(arn)?.[1];
  const account = Stack.of(cluster).account;
  return Token.isUnresolved(account) ? undefined : account;
}

/** The provider ARN as its owner can write it: literal, built from a literal issuer and account, or described. */
function shownProviderArn(cluster: IIrsaCluster): string {
  const arn = cluster.openIdConnectProviderArn;
  if (!Token.isUnresolved(arn)) return arn;
  const stack = Stack.of(cluster);
  const issuer = cluster.openIdConnectProviderIssuer;
  const partition = partitionOf(stack);
  if (!Token.isUnresolved(issuer) && !Token.isUnresolved(stack.account) && partition !== undefined) {
    return `arn:${partition}:iam::${stack.account}:oidc-provider/${issuer}`;
  }
  return `<the ARN of the OIDC provider of '${cluster.node.path}'>`;
}

/** The cluster ARN as its owner can write it: literal, built from a literal name and environment, or described. */
function shownClusterArn(cluster: IIrsaCluster): string {
  const arn = cluster.clusterArn ?? '';
  if (arn !== '' && !Token.isUnresolved(arn)) return arn;
  const stack = Stack.of(cluster);
  const name = cluster.clusterName;
  const partition = partitionOf(stack);
  if (name !== undefined && !Token.isUnresolved(name) && !Token.isUnresolved(stack.account) && partition !== undefined) {
    return `arn:${partition}:eks:${stack.region}:${stack.account}:cluster/${name}`;
  }
  return `<the ARN of the cluster of '${cluster.node.path}'>`;
}

function shownArn(role: iam.IRole): string {
  const arn = existingRoleArnAtSynth(role).arn;
  return arn !== undefined ? JSON.stringify(arn) : `'${role.node.path}'`;
}
