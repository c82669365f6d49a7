import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AddonDefinition } from './addon-definition';
import { requireNonEmpty } from './addon-helpers';

/**
 * Options for the Mountpoint for Amazon S3 CSI driver's role.
 */
export interface MountpointS3CsiOptions {
  /**
   * The buckets the driver mounts. Objects in other buckets are out of reach.
   *
   * A bucket's own `encryptionKey` (SSE-KMS with a customer managed key) is usable for the objects' data keys.
   */
  readonly buckets: s3.IBucket[];

  /**
   * Mount read-only: grant `s3:ListBucket` and `s3:GetObject` only, without `s3:PutObject`, `s3:AbortMultipartUpload`
   * and `s3:DeleteObject`. Mount the volumes with Mountpoint's `read-only` option too, or writes fail with AccessDenied.
   *
   * @default false
   */
  readonly readOnly?: boolean;
}

/**
 * The Mountpoint for Amazon S3 CSI driver's node plugin (`kube-system/s3-csi-driver-sa`, chart
 * `aws-mountpoint-s3-csi-driver/aws-mountpoint-s3-csi-driver`, EKS add-on `aws-mountpoint-s3-csi-driver`) mounts
 * buckets with driver-level credentials. (With pod-level credentials, `authenticationSource: pod`, the workload's own
 * ServiceAccount needs these permissions instead.)
 *
 * Permissions track the policy of the Amazon EKS User Guide, "Mountpoint for Amazon S3 CSI driver"
 * (`awsdocs/amazon-eks-user-guide` `latest/ug/storage/s3-csi-create.adoc`, commit b58cabc2, Mountpoint's
 * recommended policy), with upstream's Sids: `s3:ListBucket` on the buckets, and `s3:GetObject`, `s3:PutObject`,
 * `s3:AbortMultipartUpload` and `s3:DeleteObject` on their objects (writes unless `readOnly`). Not upstream: for buckets
 * with a KMS key, `kms:Decrypt` (and `kms:GenerateDataKey` for writes) on that key, which S3 needs to read and write
 * SSE-KMS objects for the caller.
 */
export function mountpointS3Csi(options: MountpointS3CsiOptions): AddonDefinition {
  requireNonEmpty('mountpointS3Csi', 'buckets', options.buckets,
    "Pass the buckets the driver mounts, such as s3.Bucket.fromBucketName(this, 'Data', 'my-data-bucket').");
  const buckets = [...options.buckets];
  const readOnly = options.readOnly ?? false;
  const keys = [...new Set(buckets.flatMap(bucket => bucket.encryptionKey ? [bucket.encryptionKey] : []))];
  return {
    name: 'aws-mountpoint-s3-csi-driver',
    namespace: 'kube-system',
    serviceAccountNames: ['s3-csi-driver-sa'],
    eksAddonName: 'aws-mountpoint-s3-csi-driver',
    policySource: {
      document: 'Amazon EKS User Guide, Mountpoint for Amazon S3 CSI driver (awsdocs/amazon-eks-user-guide latest/ug/storage/s3-csi-create.adoc)',
      version: 'commit b58cabc2',
    },
    managedPolicyNames: [],
    statements: () => [
      new iam.PolicyStatement({
        sid: 'MountpointFullBucketAccess',
        actions: ['s3:ListBucket'],
        resources: buckets.map(bucket => bucket.bucketArn),
      }),
      new iam.PolicyStatement({
        sid: readOnly ? 'MountpointReadOnlyObjectAccess' : 'MountpointFullObjectAccess',
        actions: readOnly ? ['s3:GetObject'] : ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:DeleteObject'],
        resources: buckets.map(bucket => bucket.arnForObjects('*')),
      }),
      ...keyStatements(keys, readOnly),
    ],
    helmValues: ([node]) => ({ node: { serviceAccount: { create: true, ...node } } }),
  };
}

function keyStatements(keys: kms.IKey[], readOnly: boolean): iam.PolicyStatement[] {
  if (keys.length === 0) {
    return [];
  }
  return [new iam.PolicyStatement({
    sid: 'MountpointBucketKeyAccess',
    actions: readOnly ? ['kms:Decrypt'] : ['kms:Decrypt', 'kms:GenerateDataKey'],
    resources: keys.map(key => key.keyArn),
  })];
}
