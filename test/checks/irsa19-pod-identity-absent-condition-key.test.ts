import { podIdentityStatement } from '../support/pod-identity-audit';
import { audit, rulesOf, stackWithRole } from '../support/trust-audit';

describe('IRSA19: a Pod Identity condition on a key the request does not carry', () => {
  const withCondition = (condition: Record<string, unknown>) => {
    const statement = podIdentityStatement();
    return stackWithRole({ ...statement, Condition: { ...statement.Condition, ...condition } });
  };

  test('IRSA19: flags aws:SourceArn as an error and a key not known to be sent as a warning', () => {
    const arn = 'arn:aws:eks:eu-west-2:123456789012:podidentityassociation/prod/*';
    expect(audit(withCondition({ ArnLike: { 'aws:SourceArn': arn } }))).toEqual([{
      path: '/Stack/Role',
      level: 'error',
      message: "[IRSA19] Role 'Stack/Role': Statement[0] requires \"aws:SourceArn\" with ArnLike, but EKS Pod Identity's sts:AssumeRole " +
        'request does not carry it (see awslabs/mountpoint-s3-csi-driver#781), so the condition never holds and no pod gets credentials. ' +
        'Pin the role with the session tags EKS Pod Identity sets (aws:RequestTag/eks-cluster-arn, kubernetes-namespace, ' +
        'kubernetes-service-account) instead, or use ArnLikeIfExists.',
    }]);
    expect(audit(withCondition({ StringEquals: { ...podIdentityStatement().Condition.StringEquals, 'aws:SourceVpc': 'vpc-1' } }))).toEqual([{
      path: '/Stack/Role',
      level: 'warning',
      message: "[IRSA19] Role 'Stack/Role': Statement[0] requires \"aws:SourceVpc\" with StringEquals, which EKS Pod Identity's " +
        'sts:AssumeRole request is not known to carry; if it does not, the condition never holds and no pod gets credentials. Pin the ' +
        'role with the session tags EKS Pod Identity sets (aws:RequestTag/eks-cluster-arn, kubernetes-namespace, ' +
        'kubernetes-service-account) instead, or use StringEqualsIfExists. [ack: IRSA19]',
    }]);
  });

  test('passes aws:SourceAccount, request properties, and operators that tolerate an absent key', () => {
    expect(rulesOf(audit(withCondition({
      StringEquals: { ...podIdentityStatement().Condition.StringEquals, 'aws:SourceAccount': '123456789012' },
      Bool: { 'aws:SecureTransport': 'true' },
      ArnLikeIfExists: { 'aws:SourceArn': 'arn:aws:eks:*' },
      Null: { 'aws:SourceVpc': 'true' },
    })))).toEqual([]);
  });
});
