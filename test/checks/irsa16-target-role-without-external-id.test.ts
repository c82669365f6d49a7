import { chain, exactTargetTrust } from '../support/role-chain';
import { audit, rulesOf } from '../support/trust-audit';

describe('IRSA16: a target role in the association\'s environment without the ExternalId', () => {
  test('IRSA16: flags a same-stack target whose trust could require the ExternalId and does not', () => {
    const { target } = chain({ targetTrust: exactTargetTrust(), sameStack: true });
    expect(audit(target)).toEqual([{
      path: '/Cluster/Target',
      level: 'warning',
      message: "[IRSA16] Role 'Cluster/Target': the role is the EKS Pod Identity target of 'Cluster/Association', whose ExternalId this " +
        'stack can reference, but no statement requires sts:ExternalId, so any association with the same role can assume it. Add ' +
        "\"StringEquals\": { \"sts:ExternalId\": <the ExternalId attribute of 'Cluster/Association'> } to the sts:AssumeRole statement. " +
        '[ack: IRSA16]',
    }]);
  });

  test('passes a target that requires it, and one in another account, which cannot', () => {
    expect(audit(chain({ targetTrust: exactTargetTrust({ 'Fn::GetAtt': ['Association', 'ExternalId'] }), sameStack: true }).target)).toEqual([]);
    expect(rulesOf(audit(chain({ targetTrust: exactTargetTrust() }).target))).toEqual([]);
  });
});
