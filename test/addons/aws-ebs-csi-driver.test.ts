import * as kms from 'aws-cdk-lib/aws-kms';
import { actionsOf, literalPartitionStack, normalize, resolve, serviceAccount, upstream } from './addon-test-support';
import { ebsCsiDriver } from '../../src/addons/aws-ebs-csi-driver';
import { testStack } from '../support/app';

const KMS_UPSTREAM = upstream('aws-ebs-csi-driver-kms');

describe('ebsCsiDriver', () => {
  test('trusts the controller only, as the EKS add-on aws-ebs-csi-driver, with the AWS managed policy', () => {
    const addon = ebsCsiDriver();
    expect([addon.name, addon.namespace, addon.serviceAccountNames, addon.eksAddonName, addon.managedPolicyNames])
      .toEqual(['aws-ebs-csi-driver', 'kube-system', ['ebs-csi-controller-sa'], 'aws-ebs-csi-driver', ['service-role/AmazonEBSCSIDriverPolicy']]);
    expect(addon.statements(testStack())).toEqual([]);
  });

  test('adds the user guide\'s KMS statements for customer managed keys, on those keys only', () => {
    // GIVEN
    const stack = literalPartitionStack();
    const keys = ['1111', '2222'].map(id => kms.Key.fromKeyArn(stack, `Key${id}`, `arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/${id}`));

    // WHEN
    const statements = resolve(stack, ebsCsiDriver({ kmsKeys: keys }).statements(stack));

    // THEN the upstream statements, with the keys for custom-key-arn
    expect(actionsOf(statements)).toEqual(actionsOf(KMS_UPSTREAM.policy.Statement));
    expect(statements.map(normalize)).toEqual(KMS_UPSTREAM.policy.Statement.map(s => normalize({ ...s, Resource: keys.map(k => k.keyArn) })));
  });

  test('gives the chart the controller\'s ServiceAccount', () => {
    expect(ebsCsiDriver().helmValues([serviceAccount('ebs-csi-controller-sa')])).toEqual({
      controller: { serviceAccount: { create: true, name: 'ebs-csi-controller-sa', annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/addon' } } },
    });
  });
});
