import { requestTagKey } from '../../src/private/irsa-constants';

/** A statement that lets EKS Pod Identity assume a role for `shop/orders` of one cluster; `overrides` replace its parts. */
export function podIdentityStatement(overrides: Record<string, unknown> = {}) {
  return {
    Effect: 'Allow',
    Action: ['sts:AssumeRole', 'sts:TagSession'],
    Principal: { Service: 'pods.eks.amazonaws.com' },
    Condition: {
      StringEquals: {
        [requestTagKey('eks-cluster-arn')]: 'arn:aws:eks:eu-west-2:123456789012:cluster/prod',
        [requestTagKey('kubernetes-namespace')]: 'shop',
        [requestTagKey('kubernetes-service-account')]: 'orders',
      },
    },
    ...overrides,
  };
}
