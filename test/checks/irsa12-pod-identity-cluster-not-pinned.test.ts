import { requestTagKey } from '../../src/private/irsa-constants';
import { podIdentityStatement } from '../support/pod-identity-audit';
import { audit, stackWithRole } from '../support/trust-audit';

const SUBJECT = { [requestTagKey('kubernetes-namespace')]: 'shop', [requestTagKey('kubernetes-service-account')]: 'orders' };

describe('IRSA12: EKS Pod Identity without the cluster', () => {
  test('IRSA12: warns when no condition pins the cluster', () => {
    expect(audit(stackWithRole(podIdentityStatement({ Condition: { StringEquals: SUBJECT } })))).toEqual([{
      path: '/Stack/Role',
      level: 'warning',
      message: '[IRSA12] Role \'Stack/Role\': Statement[0] lets pods.eks.amazonaws.com assume the role without a StringEquals condition ' +
        'on "aws:RequestTag/eks-cluster-arn", so an association for the same namespace and ServiceAccount in any cluster of the account ' +
        'can use it. Add "StringEquals": { "aws:RequestTag/eks-cluster-arn": "<cluster ARN>" }. [ack: IRSA12]',
    }]);
  });

  test('passes the cluster ARN, or its name', () => {
    expect(audit(stackWithRole(podIdentityStatement()))).toEqual([]);
    expect(audit(stackWithRole(podIdentityStatement({ Condition: { StringEquals: { ...SUBJECT, [requestTagKey('eks-cluster-name')]: 'prod' } } })))).toEqual([]);
  });
});
