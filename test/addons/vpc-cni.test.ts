import { actionsOf, INLINE_POLICY_LIMIT, literalPartitionStack, normalize, policySize, resolve, serviceAccount, upstream } from './addon-test-support';
import { vpcCni } from '../../src/addons/vpc-cni';
import { testStack } from '../support/app';

const IPV4 = upstream('vpc-cni');
const IPV6 = upstream('vpc-cni-ipv6');
const IPV6_USER_GUIDE = upstream('vpc-cni-ipv6-user-guide');

describe('vpcCni', () => {
  test('trusts aws-node in kube-system, as the EKS add-on vpc-cni', () => {
    for (const addon of [vpcCni(), vpcCni({ ipv6: true })]) {
      expect([addon.name, addon.namespace, addon.serviceAccountNames, addon.eksAddonName]).toEqual(['vpc-cni', 'kube-system', ['aws-node'], 'vpc-cni']);
    }
  });

  test('grants AmazonEKS_CNI_Policy, and nothing of its own, for IPv4', () => {
    const stack = testStack();
    const addon = vpcCni();
    expect(addon.managedPolicyNames).toEqual([IPV4.managedPolicyName]);
    expect(addon.statements(stack)).toEqual([]);
    expect(addon.policySource.version).toBe(IPV4.version);
  });

  test('grants the plugin repository\'s IPv6 policy for IPv6, with the stack\'s partition, and no managed policy', () => {
    // GIVEN
    const stack = literalPartitionStack('cn-north-1');

    // WHEN
    const addon = vpcCni({ ipv6: true });
    const ours = resolve(stack, addon.statements(stack));

    // THEN
    const expected = JSON.parse(JSON.stringify(IPV6.policy.Statement).replace(/arn:aws:/g, 'arn:aws-cn:'));
    expect(ours.map(normalize)).toEqual(expected.map(normalize));
    expect(addon.managedPolicyNames).toEqual([]);
  });

  test('covers the EKS user guide\'s IPv6 policy, plus three actions the repository adds', () => {
    // The guide's AmazonEKS_CNI_IPv6_Policy lacks these; we follow the repository, which the guide links to as its
    // source: newer plugins look up subnets and security groups, as the IPv4 managed policy now allows too.
    const repositoryOnly = ['ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets', 'ec2:ModifyNetworkInterfaceAttribute'];
    const stack = testStack();
    const ours = actionsOf(resolve(stack, vpcCni({ ipv6: true }).statements(stack)));
    expect(ours).toEqual([...actionsOf(IPV6_USER_GUIDE.policy.Statement), ...repositoryOnly].sort());
    expect(actionsOf(IPV4.policy.Statement)).toEqual(expect.arrayContaining(['ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets']));
  });

  test('gives the chart the ServiceAccount', () => {
    expect(vpcCni().helmValues([serviceAccount('aws-node')])).toEqual({
      serviceAccount: { create: true, name: 'aws-node', annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/addon' } },
    });
  });

  test('fits in a role\'s inline policies, in the partition with the longest name', () => {
    const stack = literalPartitionStack();
    expect(policySize(stack, vpcCni({ ipv6: true }).statements(stack))).toBeLessThan(INLINE_POLICY_LIMIT);
  });
});
