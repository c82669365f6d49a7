import { TrustRule, warning } from './trust-rule';

/**
 * IRSA17: pods of an association with a target role get the target's credentials, never its own role's, so that role
 * needs nothing but `sts:AssumeRole` and `sts:TagSession` on the target. More is a permission no workload uses, which
 * anyone who can assume the role (or attach it to another association) gets.
 */
export const IRSA17: TrustRule = {
  id: 'IRSA17',
  level: 'warning',
  summary: 'the role of an EKS Pod Identity association with a target role may do more than `sts:AssumeRole` and ' +
    '`sts:TagSession` on that target: pods never get those permissions',
  fix: 'Grant the target role instead (`grant*` on an `IrsaServiceAccount` with a `targetRole` does).',
  checkChain: (_policy, chain) => (chain.beyondTarget.length === 0 ? [] : [warning(IRSA17, 'its associations name the target role ' +
    `${chain.targetsShown.join(', ')}, so pods get only the target's permissions, but the role may also do more: ` +
    `${chain.beyondTarget.join(', ')}. Grant those to the target role, and leave this role only sts:AssumeRole and ` +
    'sts:TagSession on it.')]),
};
