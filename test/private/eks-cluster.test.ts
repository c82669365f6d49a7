import { App, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import { hasKubectlAccess, issuerUrlOfCluster, kubectlClusterFor } from '../../src/private/eks-cluster';

describe('eks-cluster', () => {
  const stack = new Stack(new App(), 'S');
  const withoutKubectl = eks.Cluster.fromClusterAttributes(stack, 'Plain', { clusterName: 'plain' });
  const withRole = eks.Cluster.fromClusterAttributes(stack, 'WithRole', { clusterName: 'r', kubectlRoleArn: 'arn:aws:iam::123456789012:role/k' });

  test('kubectl access comes from a kubectl role or provider', () => {
    expect(hasKubectlAccess(withoutKubectl)).toBe(false);
    expect(hasKubectlAccess(withRole)).toBe(true);
  });

  test('the kubectl cluster follows applyManifests', () => {
    expect(kubectlClusterFor(stack, 'T', withRole, undefined)).toBe(withRole);
    expect(kubectlClusterFor(stack, 'T', withRole, false)).toBeUndefined();
    expect(kubectlClusterFor(stack, 'T', withoutKubectl, undefined)).toBeUndefined();
    expect(kubectlClusterFor(stack, 'T', undefined, undefined)).toBeUndefined();
    expect(() => kubectlClusterFor(stack, 'T', withoutKubectl, true)).toThrow("cluster 'S/Plain' has no kubectl access");
  });

  test('an imported cluster has no issuer', () => {
    expect(() => issuerUrlOfCluster(stack, 'T', withoutKubectl)).toThrow("T 'S': the OIDC issuer of cluster 'S/Plain' is not known");
  });
});
