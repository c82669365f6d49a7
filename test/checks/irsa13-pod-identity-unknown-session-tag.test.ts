import { requestTagKey } from '../../src/private/irsa-constants';
import { podIdentityStatement } from '../support/pod-identity-audit';
import { audit, rulesOf, stackWithRole } from '../support/trust-audit';

describe('IRSA13: a request tag EKS Pod Identity does not set', () => {
  test('IRSA13: flags a condition that requires another tag', () => {
    const statement = podIdentityStatement();
    const reported = audit(stackWithRole({ ...statement, Condition: { StringEquals: { ...statement.Condition.StringEquals, [requestTagKey('team')]: 'shop' } } }));
    expect(reported).toEqual([{
      path: '/Stack/Role',
      level: 'error',
      message: '[IRSA13] Role \'Stack/Role\': Statement[0] requires "aws:RequestTag/team" with StringEquals, but EKS Pod Identity sets only ' +
        'the session tags eks-cluster-arn, eks-cluster-name, kubernetes-namespace, kubernetes-service-account, kubernetes-pod-name, ' +
        'kubernetes-pod-uid, so the condition never holds and no pod can assume the role. Condition on those tags only.',
    }]);
  });

  test('passes every tag EKS sets, and a negated condition on another', () => {
    const statement = podIdentityStatement();
    const tags = { [requestTagKey('kubernetes-pod-name')]: 'orders-0', [requestTagKey('kubernetes-pod-uid')]: 'uid', [requestTagKey('eks-cluster-name')]: 'prod' };
    expect(rulesOf(audit(stackWithRole({
      ...statement,
      Condition: {
        StringEquals: { ...statement.Condition.StringEquals, ...tags },
        StringNotEquals: { [requestTagKey('team')]: 'x' },
      },
    })))).toEqual([]);
  });
});
