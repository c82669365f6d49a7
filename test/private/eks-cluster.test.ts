import { Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import { hasKubectlAccess, issuerUrlOfCluster, kubectlClusterFor } from '../../src/private/eks-cluster';
import { testApp } from '../support/app';

describe('eks-cluster', () => {
  const stack = new Stack(testApp(), 'S');
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
    expect(() => kubectlClusterFor(stack, 'T', withoutKubectl, true)).toThrow(new Error("T 'S': applyManifests is true but cluster 'S/Plain' has no " +
      'kubectl access. Import it with kubectlRoleArn (or kubectlProvider), or leave applyManifests out to only write the manifests to the cloud assembly.'));
  });

  test('an imported cluster has no issuer', () => {
    expect(() => issuerUrlOfCluster(stack, 'T', withoutKubectl)).toThrow(new Error("T 'S': the OIDC issuer of cluster 'S/Plain' is not known to " +
      'aws-cdk-lib (it is imported). Pass issuerUrl (`aws eks describe-cluster --name <name> --query cluster.identity.oidc.issuer`), or use ' +
      'IrsaCluster.fromOidcProviderArn() if the cluster already has an IAM OIDC provider.'));
  });
});
