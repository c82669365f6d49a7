import { CfnParameter, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import { manifestBytes } from '../../src/private/manifest-parts';
import { testStack } from '../support/app';

/** The bytes of the `Manifest` property as it travels inside the JSON request to the kubectl handler. */
function requestBytes(stack: Stack, objects: any[]): number {
  const cluster = eks.Cluster.fromClusterAttributes(stack, 'Eks', { clusterName: 'c', kubectlRoleArn: 'arn:aws:iam::123456789012:role/k' });
  new eks.KubernetesManifest(stack, 'Manifest', { cluster, manifest: objects });
  const [resource] = Object.values(Template.fromStack(stack).findResources('Custom::AWSCDK-EKS-KubernetesResource'));
  return Buffer.byteLength(JSON.stringify(resource.Properties.Manifest));
}

const serviceAccount = (name: string, annotations: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: { name, namespace: 'ns', annotations: { 'eks.amazonaws.com/role-arn': `arn:aws:iam::123456789012:role/${name}`, ...annotations } },
  automountServiceAccountToken: false,
});

describe('manifestBytes', () => {
  test('covers what the kubectl handler receives, prune labels and escapes included, with little to spare', () => {
    // GIVEN objects with quotes, backslashes, newlines and non-ASCII text
    const objects = [
      serviceAccount('a'),
      serviceAccount('b', { 'example.com/note': 'say "hi"\n\\ café ☕' }),
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels: { app: 'c' } }, data: { 'config.json': JSON.stringify({ a: [1, 2] }) } },
    ];
    const estimate = objects.map(manifestBytes).reduce((a, b) => a + b, 2);

    // WHEN
    const actual = requestBytes(testStack(), objects);

    // THEN
    expect(estimate).toBeGreaterThanOrEqual(actual);
    expect(estimate).toBeLessThan(actual + 100 * objects.length);
  });

  test('counts a deploy-time value as 256 bytes, more than the role ARN it stands for', () => {
    const stack = testStack();
    const arn = new CfnParameter(stack, 'RoleArn').valueAsString;
    const withToken = serviceAccount('a');
    withToken.metadata.annotations['eks.amazonaws.com/role-arn'] = arn;
    const literal = serviceAccount('a');
    expect(manifestBytes(withToken) - manifestBytes(literal)).toBe(256 - literal.metadata.annotations['eks.amazonaws.com/role-arn'].length);
  });
});
