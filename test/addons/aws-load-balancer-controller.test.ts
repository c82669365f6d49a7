import { actionsOf, INLINE_POLICY_LIMIT, literalPartitionStack, normalize, policySize, resolve, serviceAccount, upstream } from './addon-test-support';
import { awsLoadBalancerController } from '../../src/addons/aws-load-balancer-controller';
import { testStack } from '../support/app';

const UPSTREAM = upstream('aws-load-balancer-controller');

/** What we grant beyond the upstream document, and why: later releases add these, and the controller needs them. */
const ADDED: Record<string, string> = {
  'ec2:DescribeIpamPools': 'v2.12.0 reads IPAM pools to give load balancers addresses from them',
  'ec2:DescribeRouteTables': 'v2.13 reads route tables to tell which subnets are reachable',
  'elasticloadbalancing:SetRulePriorities': 'reordering the rules of an ingress group fails with AccessDenied without it',
};

/** The upstream statement that grants `action`. */
function grantingIn(statements: any[], action: string): any {
  const found = statements.filter(statement => [statement.Action].flat().includes(action));
  expect(found).toHaveLength(1);
  return found[0];
}

describe('awsLoadBalancerController', () => {
  test('trusts the controller in kube-system; there is no EKS add-on', () => {
    const addon = awsLoadBalancerController();
    expect([addon.name, addon.namespace, addon.serviceAccountNames, addon.eksAddonName])
      .toEqual(['aws-load-balancer-controller', 'kube-system', ['aws-load-balancer-controller'], undefined]);
    expect(addon.policySource.version).toContain('2b150b977b79dcad119243f2e8f3625ea5bb7e81');
    expect(UPSTREAM.version).toContain('2b150b977b79dcad119243f2e8f3625ea5bb7e81');
  });

  test('grants the actions of the upstream document, and the three later releases added', () => {
    // GIVEN
    const stack = testStack();

    // WHEN
    const addon = awsLoadBalancerController();
    const ours = actionsOf(resolve(stack, addon.statements(stack)));

    // THEN
    expect(ours).toEqual([...actionsOf(UPSTREAM.policy.Statement), ...Object.keys(ADDED)].sort());
    expect(addon.managedPolicyNames).toEqual([]);
  });

  test('is the upstream document statement for statement, in the stack\'s partition', () => {
    // GIVEN the upstream statements in China's partition, with our deliberate changes
    const stack = literalPartitionStack('cn-north-1');
    const expected: any[] = JSON.parse(JSON.stringify(UPSTREAM.policy.Statement).replace(/arn:aws:/g, 'arn:aws-cn:'));
    const reads = grantingIn(expected, 'elasticloadbalancing:ModifyIpPools');
    // ModifyIpPools moves from the unconditioned reads to the statement that needs the cluster tag, as later releases have it.
    reads.Action = reads.Action.filter((action: string) => action !== 'elasticloadbalancing:ModifyIpPools');
    reads.Action.push('ec2:DescribeIpamPools', 'ec2:DescribeRouteTables');
    grantingIn(expected, 'elasticloadbalancing:ModifyCapacityReservation').Action.push('elasticloadbalancing:ModifyIpPools');
    grantingIn(expected, 'elasticloadbalancing:SetWebAcl').Action.push('elasticloadbalancing:SetRulePriorities');

    // WHEN
    const ours = resolve(stack, awsLoadBalancerController().statements(stack));

    // THEN
    expect(ours.map(normalize)).toEqual(expected.map(normalize));
    expect(JSON.stringify(ours)).not.toContain('arn:aws:');
  });

  test('writes ARNs with the stack\'s partition, a deploy-time value when the stack has no literal partition', () => {
    const stack = testStack();
    const ours = resolve(stack, awsLoadBalancerController().statements(stack));
    expect(grantingIn(ours, 'elasticloadbalancing:RegisterTargets').Resource)
      .toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':elasticloadbalancing:*:*:targetgroup/*/*']] });
  });

  test('gives the chart the ServiceAccount, and clusterName, region and vpcId only when they are given', () => {
    const controller = serviceAccount('aws-load-balancer-controller');
    expect(awsLoadBalancerController().helmValues([controller])).toEqual({
      serviceAccount: {
        create: true,
        name: 'aws-load-balancer-controller',
        annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/addon' },
      },
    });
    expect(awsLoadBalancerController({ clusterName: 'prod', region: 'eu-west-2', vpcId: 'vpc-0123456789abcdef0' }).helmValues([controller])).toEqual({
      clusterName: 'prod',
      region: 'eu-west-2',
      vpcId: 'vpc-0123456789abcdef0',
      serviceAccount: {
        create: true,
        name: 'aws-load-balancer-controller',
        annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/addon' },
      },
    });
  });

  test('fits in a role\'s inline policies, in the partition with the longest name', () => {
    const stack = literalPartitionStack();
    const size = policySize(stack, awsLoadBalancerController().statements(stack));
    expect(size).toBeGreaterThan(5_000);
    expect(size).toBeLessThan(INLINE_POLICY_LIMIT);
  });
});
