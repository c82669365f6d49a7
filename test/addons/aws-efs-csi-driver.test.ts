import { serviceAccount, upstream } from './addon-test-support';
import { efsCsiDriver } from '../../src/addons/aws-efs-csi-driver';
import { testStack } from '../support/app';

const UPSTREAM = upstream('aws-efs-csi-driver');

describe('efsCsiDriver', () => {
  test('trusts the controller and the node plugin by their exact names, as the EKS add-on aws-efs-csi-driver', () => {
    const addon = efsCsiDriver();
    expect([addon.name, addon.namespace, addon.serviceAccountNames, addon.eksAddonName])
      .toEqual(['aws-efs-csi-driver', 'kube-system', ['efs-csi-controller-sa', 'efs-csi-node-sa'], 'aws-efs-csi-driver']);
    expect(addon.serviceAccountNames.some(name => name.includes('*'))).toBe(false);
  });

  test('grants the AWS managed policy, the upstream document, and nothing of its own', () => {
    const stack = testStack();
    const addon = efsCsiDriver();
    expect(addon.managedPolicyNames).toEqual([UPSTREAM.managedPolicyName]);
    expect(addon.statements(stack)).toEqual([]);
    expect(addon.policySource.version).toBe(UPSTREAM.version);
  });

  test('gives the chart both ServiceAccounts, each under its component', () => {
    const annotations = { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/addon' };
    expect(efsCsiDriver().helmValues([serviceAccount('efs-csi-controller-sa'), serviceAccount('efs-csi-node-sa')])).toEqual({
      controller: { serviceAccount: { create: true, name: 'efs-csi-controller-sa', annotations } },
      node: { serviceAccount: { create: true, name: 'efs-csi-node-sa', annotations } },
    });
  });
});
