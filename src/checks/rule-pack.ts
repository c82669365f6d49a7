import { auditedTrustPolicyOf } from './audited-trust-policy';
import { IRSA1 } from './irsa1-subject-not-pinned';
import { IRSA10 } from './irsa10-pod-identity-without-tag-session';
import { IRSA11 } from './irsa11-pod-identity-subject-not-pinned';
import { IRSA12 } from './irsa12-pod-identity-cluster-not-pinned';
import { IRSA13 } from './irsa13-pod-identity-unknown-session-tag';
import { IRSA14 } from './irsa14-issuer-never-issued';
import { IRSA15 } from './irsa15-target-role-trusts-account';
import { IRSA16 } from './irsa16-target-role-without-external-id';
import { IRSA17 } from './irsa17-association-role-beyond-target';
import { IRSA18 } from './irsa18-chain-without-tag-session';
import { IRSA19 } from './irsa19-pod-identity-absent-condition-key';
import { IRSA2 } from './irsa2-audience-not-pinned';
import { IRSA3 } from './irsa3-weak-operator';
import { IRSA4 } from './irsa4-namespace-wildcard';
import { IRSA5 } from './irsa5-wildcard-in-string-equals';
import { IRSA6 } from './irsa6-foreign-issuer-key';
import { IRSA7 } from './irsa7-wildcard-principal';
import { IRSA8 } from './irsa8-trust-policy-size';
import { IRSA9 } from './irsa9-deploy-time-part';
import { RoleChainContext } from './pod-identity-chains';
import { Finding, TrustRule } from './trust-rule';
import { StackValues } from '../private/stack-values';

/** The rules of IrsaChecks, in the order of their IDs: the table the reporting, the doc comment and docs/security-and-audit.md follow. */
export const IRSA_RULES: readonly TrustRule[] = [
  IRSA1, IRSA2, IRSA3, IRSA4, IRSA5, IRSA6, IRSA7, IRSA8, IRSA9, IRSA10, IRSA11, IRSA12, IRSA13, IRSA14, IRSA15, IRSA16, IRSA17,
  IRSA18, IRSA19,
];

/**
 * Checks a role's trust policy (already read with `values`) against every rule. Only `Allow` statements that let an
 * IAM OIDC provider (or everyone) call `sts:AssumeRoleWithWebIdentity`, or EKS Pod Identity (`pods.eks.amazonaws.com`)
 * call `sts:AssumeRole`, are checked: statements for Cognito, SAML, AWS or other service principals are out of scope.
 * Per statement, findings about single conditions come before findings about the statement as a whole; findings about
 * the whole policy come last.
 */
export function auditTrustPolicy(document: unknown, values: StackValues, chain?: RoleChainContext): Finding[] {
  const rules = IRSA_RULES;
  const policy = auditedTrustPolicyOf(document, values);
  const statementFindings = policy.statements.flatMap(statement => [
    ...statement.conditions.flatMap(condition => rules.flatMap(rule => rule.checkCondition?.(condition, statement) ?? [])),
    ...rules.flatMap(rule => rule.checkStatement?.(statement) ?? []),
  ]);
  const podIdentityFindings = policy.podIdentityStatements.flatMap(statement => rules.flatMap(rule => rule.checkPodIdentity?.(statement) ?? []));
  const policyFindings = rules.flatMap(rule => rule.checkPolicy?.(policy) ?? []);
  const chainFindings = chain ? rules.flatMap(rule => rule.checkChain?.(policy, chain) ?? []) : [];
  return [...statementFindings, ...podIdentityFindings, ...policyFindings, ...chainFindings];
}
