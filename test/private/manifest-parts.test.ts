import { CfnParameter, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import { MANIFEST_PART_BYTES, manifestBytes, splitIntoParts } from '../../src/private/manifest-parts';
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

describe('splitIntoParts', () => {
  const budget = 100;

  test('keeps everything in one part while it fits', () => {
    expect(splitIntoParts(['a', 'b', 'c'], [30, 30, 30], budget)).toEqual([['a', 'b', 'c']]);
  });

  test('closes a part before the object that would not fit, in order', () => {
    expect(splitIntoParts(['a', 'b', 'c', 'd', 'e'], [40, 40, 40, 40, 10], budget)).toEqual([['a', 'b'], ['c', 'd', 'e']]);
  });

  test('gives an object larger than the budget a part of its own', () => {
    expect(splitIntoParts(['a', 'big', 'b'], [10, 500, 10], budget)).toEqual([['a'], ['big'], ['b']]);
  });

  test('changes only the last part when objects are added at the end', () => {
    const sizes = [40, 40, 40, 40, 40, 40, 40];
    const before = splitIntoParts(['a', 'b', 'c', 'd', 'e'], sizes.slice(0, 5), budget);
    const after = splitIntoParts(['a', 'b', 'c', 'd', 'e', 'f', 'g'], sizes, budget);
    expect(after.slice(0, before.length - 1)).toEqual(before.slice(0, -1));
    expect(after.flat()).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
  });

  test('holds 200 KiB per part by default', () => {
    expect(MANIFEST_PART_BYTES).toBe(204800);
    expect(splitIntoParts(['a', 'b'], [MANIFEST_PART_BYTES / 2, MANIFEST_PART_BYTES / 2])).toEqual([['a'], ['b']]);
    expect(splitIntoParts(['a', 'b'], [MANIFEST_PART_BYTES / 2 - 1, MANIFEST_PART_BYTES / 2 - 1])).toEqual([['a', 'b']]);
  });

  test('makes no part of nothing', () => {
    expect(splitIntoParts([], [], budget)).toEqual([]);
  });
});
