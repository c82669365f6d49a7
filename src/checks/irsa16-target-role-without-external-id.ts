import { TrustRule, warning } from './trust-rule';
import { EXTERNAL_ID_KEY } from '../private/target-role-trust';

/**
 * IRSA16: where CloudFormation can hand the association's ExternalId to the target role's stack (the same stack, or
 * the same environment), the target's trust can require it, which pins exactly that association; without it, any
 * association of the same role (and ServiceAccount, with the session-tag pins) can reach the target.
 */
export const IRSA16: TrustRule = {
  id: 'IRSA16',
  level: 'warning',
  summary: 'the target role of an EKS Pod Identity association in the same environment has no `sts:ExternalId` condition, ' +
    'which could pin exactly that association',
  fix: 'Require `"StringEquals": { "sts:ExternalId": <the association\'s ExternalId attribute> }` (`PodIdentityTargetRole` does).',
  checkChain: (policy, chain) => {
    const reachable = chain.targetOf.filter(a => a.externalIdReachable);
    if (reachable.length === 0) return [];
    const pinned = policy.awsStatements.some(s => s.conditions.some(c => c.operator === 'StringEquals' &&
      c.key.toLowerCase() === EXTERNAL_ID_KEY.toLowerCase()));
    if (pinned) return [];
    return reachable.map(a => warning(IRSA16, `the role is the EKS Pod Identity target of '${a.path}', whose ExternalId this stack can ` +
      'reference, but no statement requires sts:ExternalId, so any association with the same role can assume it. Add ' +
      `"StringEquals": { "sts:ExternalId": <the ExternalId attribute of '${a.path}'> } to the sts:AssumeRole statement.`));
  },
};
