import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { actionsOf, INLINE_POLICY_LIMIT, literalPartitionStack, normalize, policySize, resolve, serviceAccount, upstream } from './addon-test-support';
import { mountpointS3Csi } from '../../src/addons/mountpoint-s3-csi';
import { ACCOUNT, testStack } from '../support/app';

const UPSTREAM = upstream('mountpoint-s3-csi');
const WRITES = ['s3:PutObject', 's3:AbortMultipartUpload', 's3:DeleteObject'];

describe('mountpointS3Csi', () => {
  test('trusts the node plugin in kube-system, as the EKS add-on aws-mountpoint-s3-csi-driver', () => {
    const stack = testStack();
    const addon = mountpointS3Csi({ buckets: [s3.Bucket.fromBucketName(stack, 'Data', 'data')] });
    expect([addon.namespace, addon.serviceAccountNames, addon.eksAddonName])
      .toEqual(['kube-system', ['s3-csi-driver-sa'], 'aws-mountpoint-s3-csi-driver']);
  });

  test('grants exactly the upstream actions, and without writes when read-only', () => {
    const stack = testStack();
    const buckets = [s3.Bucket.fromBucketName(stack, 'Data', 'data')];
    const upstreamActions = actionsOf(UPSTREAM.policy.Statement);
    expect(actionsOf(resolve(stack, mountpointS3Csi({ buckets }).statements(stack)))).toEqual(upstreamActions);
    expect(actionsOf(resolve(stack, mountpointS3Csi({ buckets, readOnly: true }).statements(stack))))
      .toEqual(upstreamActions.filter(action => !WRITES.includes(action)));
    expect(mountpointS3Csi({ buckets }).managedPolicyNames).toEqual([]);
  });

  test('is upstream\'s policy with the given buckets for DOC-EXAMPLE-BUCKET1', () => {
    // GIVEN
    const stack = literalPartitionStack('us-gov-west-1');
    const buckets = [s3.Bucket.fromBucketName(stack, 'A', 'data-a'), s3.Bucket.fromBucketName(stack, 'B', 'data-b')];

    // WHEN
    const ours = resolve(stack, mountpointS3Csi({ buckets }).statements(stack));

    // THEN
    const [bucketAccess, objectAccess] = UPSTREAM.policy.Statement;
    expect(ours.map(normalize)).toEqual([
      normalize({ ...bucketAccess, Resource: ['arn:aws-us-gov:s3:::data-a', 'arn:aws-us-gov:s3:::data-b'] }),
      normalize({ ...objectAccess, Resource: ['arn:aws-us-gov:s3:::data-a/*', 'arn:aws-us-gov:s3:::data-b/*'] }),
    ]);
  });

  test('reads a bucket with a KMS key with that key, and writes with data keys from it unless read-only', () => {
    // GIVEN
    const stack = testStack();
    const key = kms.Key.fromKeyArn(stack, 'Key', `arn:aws:kms:eu-west-2:${ACCOUNT}:key/data`);
    const buckets = [s3.Bucket.fromBucketAttributes(stack, 'Data', { bucketName: 'data', encryptionKey: key }), s3.Bucket.fromBucketName(stack, 'Plain', 'plain')];

    // WHEN
    const readWrite = resolve(stack, mountpointS3Csi({ buckets }).statements(stack));
    const readOnly = resolve(stack, mountpointS3Csi({ buckets, readOnly: true }).statements(stack));

    // THEN
    expect(readWrite[2]).toEqual({
      Sid: 'MountpointBucketKeyAccess', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: `arn:aws:kms:eu-west-2:${ACCOUNT}:key/data`,
    });
    expect(readOnly[2]).toEqual({ Sid: 'MountpointBucketKeyAccess', Effect: 'Allow', Action: 'kms:Decrypt', Resource: `arn:aws:kms:eu-west-2:${ACCOUNT}:key/data` });
    expect(readOnly[1]).toEqual({
      Sid: 'MountpointReadOnlyObjectAccess',
      Effect: 'Allow',
      Action: 's3:GetObject',
      Resource: [
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::data/*']] },
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::plain/*']] },
      ],
    });
  });

  test('gives the chart the node plugin\'s ServiceAccount', () => {
    const stack = testStack();
    const addon = mountpointS3Csi({ buckets: [s3.Bucket.fromBucketName(stack, 'Data', 'data')] });
    expect(addon.helmValues([serviceAccount('s3-csi-driver-sa')])).toEqual({
      node: {
        serviceAccount: { create: true, name: 's3-csi-driver-sa', annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/addon' } },
      },
    });
  });

  test('needs at least one bucket', () => {
    const fix = "Pass the buckets the driver mounts, such as s3.Bucket.fromBucketName(this, 'Data', 'my-data-bucket').";
    expect(() => mountpointS3Csi({ buckets: [] }))
      .toThrow(new Error(`IrsaAddon.mountpointS3Csi: buckets is empty, and an empty scope would grant nothing or everything. ${fix}`));
    expect(() => mountpointS3Csi({} as any))
      .toThrow(new Error(`IrsaAddon.mountpointS3Csi: buckets is missing, and an empty scope would grant nothing or everything. ${fix}`));
  });

  test('fits in a role\'s inline policies with 50 buckets of the longest names, in the partition with the longest name', () => {
    const stack = literalPartitionStack();
    const buckets = Array.from({ length: 50 }, (_, i) => s3.Bucket.fromBucketName(stack, `Bucket${i}`, `${i}`.padStart(63, 'b')));
    expect(policySize(stack, mountpointS3Csi({ buckets }).statements(stack))).toBeLessThan(INLINE_POLICY_LIMIT);
  });
});
