import { requestTagKey } from '../../src/private/irsa-constants';
import { podIdentityStatement } from '../support/pod-identity-audit';
import { audit, rulesOf, stackWithRole } from '../support/trust-audit';

const CLUSTER = { [requestTagKey('eks-cluster-arn')]: 'arn:aws:eks:eu-west-2:123456789012:cluster/prod' };

describe('IRSA11: EKS Pod Identity without exact namespace and ServiceAccount', () => {
  test('IRSA11: flags a statement without conditions, as aws-cdk-lib\'s Pod Identity ServiceAccount writes it', () => {
    const reported = audit(stackWithRole(podIdentityStatement({ Condition: undefined })));
    expect(rulesOf(reported)).toEqual(['error IRSA11', 'warning IRSA12']);
    expect(reported[0].message).toBe('[IRSA11] Role \'Stack/Role\': Statement[0] lets pods.eks.amazonaws.com assume the role without a ' +
      'StringEquals condition on "aws:RequestTag/kubernetes-namespace" and "aws:RequestTag/kubernetes-service-account", so anyone who can ' +
      'create an EKS Pod Identity association in the account can give the role to any ServiceAccount of any cluster. Add "StringEquals": ' +
      '{ "aws:RequestTag/kubernetes-namespace": "<namespace>", "aws:RequestTag/kubernetes-service-account": "<name>" }.');
  });

  test.each([
    ['only the namespace', { StringEquals: { ...CLUSTER, [requestTagKey('kubernetes-namespace')]: 'shop' } }, '"aws:RequestTag/kubernetes-service-account"'],
    ['a wildcard name', { StringEquals: { ...CLUSTER, [requestTagKey('kubernetes-namespace')]: 'shop' }, StringLike: { [requestTagKey('kubernetes-service-account')]: 'orders-*' } },
      '"aws:RequestTag/kubernetes-service-account"'],
    ['a negated namespace', { StringEquals: { ...CLUSTER, [requestTagKey('kubernetes-service-account')]: 'orders' }, StringNotEquals: { [requestTagKey('kubernetes-namespace')]: 'kube-system' } },
      '"aws:RequestTag/kubernetes-namespace"'],
  ])('IRSA11: flags %s', (_, condition, missing) => {
    const reported = audit(stackWithRole(podIdentityStatement({ Condition: condition })));
    expect(rulesOf(reported)).toEqual(['error IRSA11']);
    expect(reported[0].message).toBe('[IRSA11] Role \'Stack/Role\': Statement[0] lets pods.eks.amazonaws.com assume the role without a ' +
      `StringEquals condition on ${missing}, so anyone who can create an EKS Pod Identity association in the account can give the ` +
      'role to any ServiceAccount of any cluster. Add "StringEquals": { "aws:RequestTag/kubernetes-namespace": "<namespace>", ' +
      '"aws:RequestTag/kubernetes-service-account": "<name>" }.');
  });

  test('passes exact conditions in any case of the key, and StringLike without wildcards', () => {
    expect(audit(stackWithRole(podIdentityStatement()))).toEqual([]);
    expect(audit(stackWithRole(podIdentityStatement({
      Condition: {
        StringEquals: { ...CLUSTER, 'AWS:RequestTag/Kubernetes-Namespace': 'shop' },
        StringLike: { [requestTagKey('kubernetes-service-account')]: ['orders', 'billing'] },
      },
    })))).toEqual([]);
  });
});
