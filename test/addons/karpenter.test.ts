import { Lazy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { actionsOf, INLINE_POLICY_LIMIT, literalPartitionStack, normalize, policySize, resolve, serviceAccount, upstream } from './addon-test-support';
import { karpenter } from '../../src/addons/karpenter';
import { ACCOUNT, testStack } from '../support/app';

const UPSTREAM = upstream('karpenter');
const FIX = "Pass the EKS cluster's name as a literal string, such as clusterName: 'my-cluster'.";

function nodeRole(stack: Stack): iam.IRole {
  return stack.node.tryFindChild('NodeRole') as iam.IRole
    ?? iam.Role.fromRoleArn(stack, 'NodeRole', `arn:${stack.partition}:iam::${ACCOUNT}:role/KarpenterNodeRole-prod`);
}

function queue(stack: Stack): sqs.IQueue {
  return stack.node.tryFindChild('Queue') as sqs.IQueue
    ?? sqs.Queue.fromQueueArn(stack, 'Queue', `arn:${stack.partition}:sqs:${stack.region}:${ACCOUNT}:prod`);
}

/** The upstream statements with CloudFormation's placeholders filled in as the preset fills them. */
function upstreamFor(stack: Stack, clusterName: string, withQueue: boolean): any[] {
  const text = JSON.stringify(UPSTREAM.policy.Statement)
    .replace(/\$\{AWS::Partition\}/g, stack.partition)
    .replace(/\$\{AWS::Region\}/g, stack.region)
    .replace(/\$\{AWS::AccountId\}/g, stack.account)
    .replace(/\$\{ClusterName\}/g, clusterName)
    .replace(/\$\{KarpenterNodeRole\.Arn\}/g, nodeRole(stack).roleArn)
    .replace(/\$\{KarpenterInterruptionQueue\.Arn\}/g, withQueue ? queue(stack).queueArn : '');
  expect(text).not.toContain('${');
  const statements: any[] = JSON.parse(text);
  return withQueue ? statements : statements.filter(statement => statement.Sid !== 'AllowInterruptionQueueActions');
}

describe('karpenter', () => {
  test('trusts karpenter in kube-system; there is no EKS add-on', () => {
    const stack = testStack();
    const addon = karpenter({ clusterName: 'prod', nodeRole: nodeRole(stack) });
    expect([addon.name, addon.namespace, addon.serviceAccountNames, addon.eksAddonName]).toEqual(['karpenter', 'kube-system', ['karpenter'], undefined]);
    expect(addon.policySource.version).toBe(UPSTREAM.version);
  });

  test('grants exactly the upstream actions with an interruption queue, and all but the SQS ones without', () => {
    const stack = testStack();
    const withQueue = karpenter({ clusterName: 'prod', nodeRole: nodeRole(stack), interruptionQueue: queue(stack) });
    const withoutQueue = karpenter({ clusterName: 'prod', nodeRole: nodeRole(stack) });
    expect(actionsOf(resolve(stack, withQueue.statements(stack)))).toEqual(actionsOf(UPSTREAM.policy.Statement));
    expect(actionsOf(resolve(stack, withoutQueue.statements(stack))))
      .toEqual(actionsOf(UPSTREAM.policy.Statement).filter(action => !action.startsWith('sqs:')));
    expect(withQueue.managedPolicyNames).toEqual([]);
  });

  test('is upstream\'s statements in one list, with the stack\'s partition, region and account and the given cluster, role and queue', () => {
    // GIVEN
    const stack = literalPartitionStack('us-gov-west-1');

    // WHEN
    const ours = resolve(stack, karpenter({ clusterName: 'prod', nodeRole: nodeRole(stack), interruptionQueue: queue(stack) }).statements(stack));

    // THEN
    expect(ours.map(normalize)).toEqual(upstreamFor(stack, 'prod', true).map(normalize));
  });

  test('passes only the node role, only to EC2, and reads only the given queue', () => {
    const stack = literalPartitionStack('eu-west-2');
    const ours = resolve(stack, karpenter({ clusterName: 'prod', nodeRole: nodeRole(stack), interruptionQueue: queue(stack) }).statements(stack));
    const bySid = (sid: string) => ours.find(statement => statement.Sid === sid);
    expect(bySid('AllowPassingInstanceRole')).toEqual({
      Sid: 'AllowPassingInstanceRole',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: `arn:aws:iam::${ACCOUNT}:role/KarpenterNodeRole-prod`,
      Condition: { StringEquals: { 'iam:PassedToService': ['ec2.amazonaws.com', 'ec2.amazonaws.com.cn'] } },
    });
    expect(bySid('AllowInterruptionQueueActions').Resource).toBe(`arn:aws:sqs:eu-west-2:${ACCOUNT}:prod`);
    expect(bySid('AllowAPIServerEndpointDiscovery').Resource).toBe(`arn:aws:eks:eu-west-2:${ACCOUNT}:cluster/prod`);
    expect(ours.filter(statement => statement.Resource === '*').map(statement => statement.Sid))
      .toEqual(['AllowRegionalReadActions', 'AllowPricingReadActions', 'AllowUnscopedInstanceProfileListAction']);
  });

  test('leaves the interruption statement out without a queue', () => {
    const stack = literalPartitionStack('eu-west-2');
    const ours = resolve(stack, karpenter({ clusterName: 'prod', nodeRole: nodeRole(stack) }).statements(stack));
    expect(ours.map(normalize)).toEqual(upstreamFor(stack, 'prod', false).map(normalize));
  });

  test('uses the stack\'s region and partition at deploy time in an environment-agnostic stack', () => {
    const stack = testStack({});
    const ours = resolve(stack, karpenter({ clusterName: 'prod', nodeRole: nodeRole(stack) }).statements(stack));
    expect(ours.find(statement => statement.Sid === 'AllowRegionalReadActions').Condition)
      .toEqual({ StringEquals: { 'aws:RequestedRegion': { Ref: 'AWS::Region' } } });
  });

  test('gives the chart the cluster name, the queue\'s name when there is a queue, and the ServiceAccount', () => {
    const stack = testStack();
    const controller = serviceAccount('karpenter');
    const expectedServiceAccount = {
      create: true,
      name: 'karpenter',
      annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/addon' },
    };
    expect(karpenter({ clusterName: 'prod', nodeRole: nodeRole(stack), interruptionQueue: queue(stack) }).helmValues([controller]))
      .toEqual({ settings: { clusterName: 'prod', interruptionQueue: 'prod' }, serviceAccount: expectedServiceAccount });
    expect(karpenter({ clusterName: 'prod', nodeRole: nodeRole(stack) }).helmValues([controller]))
      .toEqual({ settings: { clusterName: 'prod' }, serviceAccount: expectedServiceAccount });
  });

  test('needs a literal cluster name and a node role', () => {
    const stack = testStack();
    const role = nodeRole(stack);
    expect(() => karpenter({ nodeRole: role } as any)).toThrow(new Error(`IrsaAddon.karpenter: clusterName is missing. ${FIX}`));
    expect(() => karpenter({ clusterName: '', nodeRole: role })).toThrow(new Error(`IrsaAddon.karpenter: clusterName is empty. ${FIX}`));
    expect(() => karpenter({ clusterName: Lazy.string({ produce: () => 'prod' }), nodeRole: role })).toThrow(new Error(
      `IrsaAddon.karpenter: clusterName is a token, but it goes into IAM condition keys, which must be literal. ${FIX} `
      + 'A cluster created in this app has a literal name when you set its clusterName property; use that string.'));
    expect(() => karpenter({ clusterName: 'prod' } as any)).toThrow(new Error(
      'IrsaAddon.karpenter: nodeRole is missing, and Karpenter cannot launch nodes without passing a role to them. '
      + "Pass the role of your EC2NodeClass, such as iam.Role.fromRoleName(this, 'NodeRole', 'KarpenterNodeRole-my-cluster')."));
  });

  test('fits in a role\'s inline policies with the longest cluster name, in the partition with the longest name', () => {
    const stack = literalPartitionStack();
    const addon = karpenter({ clusterName: 'a'.repeat(100), nodeRole: nodeRole(stack), interruptionQueue: queue(stack) });
    expect(policySize(stack, addon.statements(stack))).toBeLessThan(INLINE_POLICY_LIMIT);
  });
});
