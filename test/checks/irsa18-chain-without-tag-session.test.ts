import { ASSOCIATION_ROLE_ARN, chain, exactTargetTrust } from '../support/role-chain';
import { audit, rulesOf } from '../support/trust-audit';

describe('IRSA18: a role chained from a Pod Identity role without sts:TagSession', () => {
  test('IRSA18: flags a role that lets a tagged Pod Identity role call sts:AssumeRole only', () => {
    const onlyAssume = [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: ASSOCIATION_ROLE_ARN } }];
    const { target } = chain({ targetTrust: onlyAssume });
    expect(audit(target)).toEqual([{
      path: '/Data/Target',
      level: 'error',
      message: "[IRSA18] Role 'Data/Target': Statement[0] lets \"arn:aws:iam::111111111111:role/orders-pod-identity\" assume the role, " +
        "and EKS Pod Identity gives that role's sessions transitive session tags, which STS passes on only with sts:TagSession; no " +
        'statement allows it, so the chained sts:AssumeRole fails. Allow ["sts:AssumeRole", "sts:TagSession"] to that principal.',
    }]);
  });

  test('passes sts:TagSession for that principal, and a chain from a role whose associations disable session tags', () => {
    expect(rulesOf(audit(chain({ targetTrust: exactTargetTrust() }).target))).toEqual([]);
    const onlyAssume = [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: ASSOCIATION_ROLE_ARN } }];
    expect(rulesOf(audit(chain({ targetTrust: onlyAssume, disableSessionTags: true }).target))).toEqual([]);
  });
});
