import { ASSOCIATION_ROLE_ARN, chain, exactTargetTrust } from '../support/role-chain';
import { audit, rulesOf } from '../support/trust-audit';

describe('IRSA15: a Pod Identity target role that trusts an account root or everyone', () => {
  test('IRSA15: flags the account root, a bare account ID and "*" on a role an association names as its target', () => {
    // GIVEN
    const trust = (principal: unknown) => [
      { Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:TagSession'], Principal: principal },
    ];

    // THEN
    const { target } = chain({ targetTrust: trust({ AWS: 'arn:aws:iam::111111111111:root' }) });
    expect(audit(target)).toEqual([{
      path: '/Data/Target',
      level: 'error',
      message: "[IRSA15] Role 'Data/Target': the role is the EKS Pod Identity target of 'Cluster/Association', and Statement[0] lets " +
        '"arn:aws:iam::111111111111:root" assume it, so every role of that account gets the permissions meant for that ServiceAccount. ' +
        "Name the association's role ARN as the principal instead.",
    }]);
    expect(rulesOf(audit(chain({ targetTrust: trust({ AWS: '111111111111' }) }).target))).toEqual(['error IRSA15']);
    expect(audit(chain({ targetTrust: trust('*') }).target).map(r => r.message)).toEqual([
      "[IRSA15] Role 'Data/Target': the role is the EKS Pod Identity target of 'Cluster/Association', and Statement[0] lets \"*\" assume " +
        "it, so anyone gets the permissions meant for that ServiceAccount. Name the association's role ARN as the principal instead.",
    ]);
  });

  test('passes the exact role ARN, and the EKS User Guide\'s root with an exact aws:PrincipalArn; ignores roles no association targets', () => {
    expect(audit(chain({ targetTrust: exactTargetTrust() }).target)).toEqual([]);
    const pinnedRoot = [{
      Effect: 'Allow',
      Action: ['sts:AssumeRole', 'sts:TagSession'],
      Principal: { AWS: 'arn:aws:iam::111111111111:root' },
      Condition: { ArnEquals: { 'aws:PrincipalARN': ASSOCIATION_ROLE_ARN } },
    }];
    expect(audit(chain({ targetTrust: pinnedRoot }).target)).toEqual([]);
    const wildcardArn = [{ ...pinnedRoot[0], Condition: { ArnLike: { 'aws:PrincipalARN': 'arn:aws:iam::111111111111:role/*' } } }];
    expect(rulesOf(audit(chain({ targetTrust: wildcardArn }).target))).toEqual(['error IRSA15']);
    const { cluster } = chain({ targetTrust: exactTargetTrust() });
    expect(rulesOf(audit(cluster))).toEqual([]);
  });
});
