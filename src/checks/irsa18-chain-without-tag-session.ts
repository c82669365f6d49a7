import { error, TrustRule } from './trust-rule';

/**
 * IRSA18: EKS Pod Identity's session tags are transitive ("Cross-account tags" in the EKS User Guide's pod-id-abac:
 * they are "passed to any AssumeRole actions that your workloads use to switch roles"), so STS asks the next role of
 * the chain for `sts:TagSession` too; a trust that allows only `sts:AssumeRole` to a Pod Identity role refuses it.
 */
export const IRSA18: TrustRule = {
  id: 'IRSA18',
  level: 'error',
  summary: 'a role that a role of EKS Pod Identity (with session tags) may assume does not allow it `sts:TagSession`: the session ' +
    'tags are transitive, so the chained `sts:AssumeRole` fails',
  fix: 'Allow `["sts:AssumeRole", "sts:TagSession"]` to that principal.',
  checkChain: (policy, chain) => policy.awsStatements.flatMap(s => s.principals
    .map((principal, i) => ({ principal, shown: s.principalsShown[i] }))
    .filter(({ principal }) => chain.isTaggedPodIdentityRole(principal) &&
      !policy.tagSessionPrincipals.some(p => p === principal || p === '*'))
    .map(({ shown }) => error(IRSA18, `${s.where} lets ${shown} assume the role, and EKS Pod Identity gives that role's sessions ` +
      'transitive session tags, which STS passes on only with sts:TagSession; no statement allows it, so the chained ' +
      'sts:AssumeRole fails. Allow ["sts:AssumeRole", "sts:TagSession"] to that principal.'))),
};
