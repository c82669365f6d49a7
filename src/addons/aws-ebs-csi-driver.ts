import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { AddonDefinition } from './addon-definition';

/**
 * Options for the Amazon EBS CSI driver's role.
 */
export interface EbsCsiDriverOptions {
  /**
   * Customer managed KMS keys that encrypt the volumes the driver creates and attaches.
   *
   * Each key's own key policy must also let the account (or this role) use it.
   *
   * @default - none: volumes are unencrypted or use the AWS managed key
   */
  readonly kmsKeys?: kms.IKey[];
}

/**
 * The EBS CSI driver's controller (`kube-system/ebs-csi-controller-sa`) calls EC2; its node plugin does not, so only the
 * controller is trusted. Permissions: the AWS managed policy `AmazonEBSCSIDriverPolicy`, plus, for customer managed
 * keys, the KMS statements of the EKS user guide (grants only for AWS resources, and the key's crypto operations).
 */
export function ebsCsiDriver(options: EbsCsiDriverOptions = {}): AddonDefinition {
  const keys = options.kmsKeys ?? [];
  return {
    name: 'aws-ebs-csi-driver',
    namespace: 'kube-system',
    serviceAccountNames: ['ebs-csi-controller-sa'],
    eksAddonName: 'aws-ebs-csi-driver',
    policySource: { document: 'AWS managed policy service-role/AmazonEBSCSIDriverPolicy; KMS statements from the Amazon EKS User Guide (EBS CSI driver, customer managed keys)', version: 'v15 (2026-05-13)' },
    managedPolicyNames: ['service-role/AmazonEBSCSIDriverPolicy'],
    statements: () => (keys.length === 0 ? [] : [
      new iam.PolicyStatement({
        actions: ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'],
        resources: keys.map(k => k.keyArn),
        conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
      }),
      new iam.PolicyStatement({
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
        resources: keys.map(k => k.keyArn),
      }),
    ]),
    helmValues: ([controller]) => ({ controller: { serviceAccount: { create: true, ...controller } } }),
  };
}
