import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AddonDefinition } from './addon-definition';
import { requireLiteralClusterName } from './addon-helpers';
import { failWithoutScope } from '../private/construct-error';

/**
 * Options for Karpenter's controller role.
 */
export interface KarpenterOptions {
  /**
   * The name of the EKS cluster, as a literal string: it names the tags that scope what Karpenter may launch, tag and
   * delete, and the chart's `settings.clusterName`.
   */
  readonly clusterName: string;

  /**
   * The IAM role of the nodes Karpenter launches (the role of your EC2NodeClass). Karpenter may pass this role, and only
   * this one, to EC2.
   */
  readonly nodeRole: iam.IRole;

  /**
   * The SQS queue that receives EC2 interruption events (Spot interruptions, rebalance recommendations, health and
   * state changes), for the chart's `settings.interruptionQueue`.
   *
   * @default - no interruption handling: no SQS permissions, and no `interruptionQueue` in the Helm values
   */
  readonly interruptionQueue?: sqs.IQueue;
}

/**
 * Karpenter's controller (`kube-system/karpenter`, chart `oci://public.ecr.aws/karpenter/karpenter`; there is no EKS
 * add-on) launches and removes nodes. Older installs ran it in the `karpenter` namespace: set the role's namespace
 * option for those.
 *
 * Permissions track the controller policies of `aws/karpenter-provider-aws`
 * `website/content/en/docs/getting-started/getting-started-with-karpenter/cloudformation.yaml` at v1.9.1 (commit
 * 8b5313cae4b8d2f594a13ec8968f5595bd5c74f2): upstream splits them into five managed policies (NodeLifecycle,
 * IAMIntegration, EKSIntegration, Interruption, ResourceDiscovery) for the managed policy size limit; here they are one
 * list of statements with upstream's Sids, in upstream's order. Upstream's `${AWS::Partition}`, `${AWS::Region}` and
 * `${AWS::AccountId}` are the stack's, `${ClusterName}` is `clusterName`, `${KarpenterNodeRole.Arn}` is `nodeRole`
 * and `${KarpenterInterruptionQueue.Arn}` is `interruptionQueue`, whose statement is left out without a queue.
 */
export function karpenter(options: KarpenterOptions): AddonDefinition {
  const clusterName = requireLiteralClusterName('karpenter', options.clusterName);
  if (!options.nodeRole) {
    failWithoutScope('IrsaAddon.karpenter: nodeRole is missing, and Karpenter cannot launch nodes without passing a role to them. '
      + "Pass the role of your EC2NodeClass, such as iam.Role.fromRoleName(this, 'NodeRole', 'KarpenterNodeRole-my-cluster').");
  }
  const { nodeRole, interruptionQueue } = options;
  return {
    name: 'karpenter',
    namespace: 'kube-system',
    serviceAccountNames: ['karpenter'],
    policySource: {
      document: 'aws/karpenter-provider-aws website/content/en/docs/getting-started/getting-started-with-karpenter/cloudformation.yaml, '
        + 'the KarpenterController*Policy statements',
      version: 'v1.9.1 (commit 8b5313cae4b8d2f594a13ec8968f5595bd5c74f2)',
    },
    managedPolicyNames: [],
    statements: scope => karpenterStatements(Stack.of(scope), clusterName, nodeRole, interruptionQueue),
    helmValues: ([controller]) => ({
      settings: { clusterName, ...(interruptionQueue ? { interruptionQueue: interruptionQueue.queueName } : {}) },
      serviceAccount: { create: true, ...controller },
    }),
  };
}

function karpenterStatements(stack: Stack, clusterName: string, nodeRole: iam.IRole, queue?: sqs.IQueue): iam.PolicyStatement[] {
  const { partition, region, account } = stack;
  const ec2 = (resource: string) => `arn:${partition}:ec2:${region}:*:${resource}`;
  const instanceProfiles = `arn:${partition}:iam::${account}:instance-profile/*`;
  const launched = ['fleet/*', 'instance/*', 'volume/*', 'network-interface/*', 'launch-template/*', 'spot-instances-request/*'].map(ec2);
  const clusterTag = `kubernetes.io/cluster/${clusterName}`;
  const requestsClusterTags = () => ({ [`aws:RequestTag/${clusterTag}`]: 'owned', 'aws:RequestTag/eks:eks-cluster-name': clusterName });
  const ownedByNodePool = () => ({
    StringEquals: { [`aws:ResourceTag/${clusterTag}`]: 'owned' },
    StringLike: { 'aws:ResourceTag/karpenter.sh/nodepool': '*' },
  });
  return [
    new iam.PolicyStatement({
      sid: 'AllowScopedEC2InstanceAccessActions',
      resources: [
        `arn:${partition}:ec2:${region}::image/*`, `arn:${partition}:ec2:${region}::snapshot/*`,
        ec2('security-group/*'), ec2('subnet/*'), ec2('capacity-reservation/*'),
      ],
      actions: ['ec2:RunInstances', 'ec2:CreateFleet'],
    }),
    new iam.PolicyStatement({
      sid: 'AllowScopedEC2LaunchTemplateAccessActions',
      resources: [ec2('launch-template/*')],
      actions: ['ec2:RunInstances', 'ec2:CreateFleet'],
      conditions: ownedByNodePool(),
    }),
    new iam.PolicyStatement({
      sid: 'AllowScopedEC2InstanceActionsWithTags',
      resources: launched,
      actions: ['ec2:RunInstances', 'ec2:CreateFleet', 'ec2:CreateLaunchTemplate'],
      conditions: { StringEquals: requestsClusterTags(), StringLike: { 'aws:RequestTag/karpenter.sh/nodepool': '*' } },
    }),
    new iam.PolicyStatement({
      sid: 'AllowScopedResourceCreationTagging',
      resources: launched,
      actions: ['ec2:CreateTags'],
      conditions: {
        StringEquals: { ...requestsClusterTags(), 'ec2:CreateAction': ['RunInstances', 'CreateFleet', 'CreateLaunchTemplate'] },
        StringLike: { 'aws:RequestTag/karpenter.sh/nodepool': '*' },
      },
    }),
    new iam.PolicyStatement({
      sid: 'AllowScopedResourceTagging',
      resources: [ec2('instance/*')],
      actions: ['ec2:CreateTags'],
      conditions: {
        ...ownedByNodePool(),
        'StringEqualsIfExists': { 'aws:RequestTag/eks:eks-cluster-name': clusterName },
        'ForAllValues:StringEquals': { 'aws:TagKeys': ['eks:eks-cluster-name', 'karpenter.sh/nodeclaim', 'Name'] },
      },
    }),
    new iam.PolicyStatement({
      sid: 'AllowScopedDeletion',
      resources: [ec2('instance/*'), ec2('launch-template/*')],
      actions: ['ec2:TerminateInstances', 'ec2:DeleteLaunchTemplate'],
      conditions: ownedByNodePool(),
    }),
    new iam.PolicyStatement({
      sid: 'AllowPassingInstanceRole',
      resources: [nodeRole.roleArn],
      actions: ['iam:PassRole'],
      conditions: { StringEquals: { 'iam:PassedToService': ['ec2.amazonaws.com', 'ec2.amazonaws.com.cn'] } },
    }),
    new iam.PolicyStatement({
      sid: 'AllowScopedInstanceProfileCreationActions',
      resources: [instanceProfiles],
      actions: ['iam:CreateInstanceProfile'],
      conditions: {
        StringEquals: { ...requestsClusterTags(), 'aws:RequestTag/topology.kubernetes.io/region': region },
        StringLike: { 'aws:RequestTag/karpenter.k8s.aws/ec2nodeclass': '*' },
      },
    }),
    new iam.PolicyStatement({
      sid: 'AllowScopedInstanceProfileTagActions',
      resources: [instanceProfiles],
      actions: ['iam:TagInstanceProfile'],
      conditions: {
        StringEquals: {
          [`aws:ResourceTag/${clusterTag}`]: 'owned',
          'aws:ResourceTag/topology.kubernetes.io/region': region,
          ...requestsClusterTags(),
          'aws:RequestTag/topology.kubernetes.io/region': region,
        },
        StringLike: { 'aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass': '*', 'aws:RequestTag/karpenter.k8s.aws/ec2nodeclass': '*' },
      },
    }),
    new iam.PolicyStatement({
      sid: 'AllowScopedInstanceProfileActions',
      resources: [instanceProfiles],
      actions: ['iam:AddRoleToInstanceProfile', 'iam:RemoveRoleFromInstanceProfile', 'iam:DeleteInstanceProfile'],
      conditions: {
        StringEquals: { [`aws:ResourceTag/${clusterTag}`]: 'owned', 'aws:ResourceTag/topology.kubernetes.io/region': region },
        StringLike: { 'aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass': '*' },
      },
    }),
    new iam.PolicyStatement({
      sid: 'AllowAPIServerEndpointDiscovery',
      resources: [`arn:${partition}:eks:${region}:${account}:cluster/${clusterName}`],
      actions: ['eks:DescribeCluster'],
    }),
    ...(queue ? [new iam.PolicyStatement({
      sid: 'AllowInterruptionQueueActions',
      resources: [queue.queueArn],
      actions: ['sqs:DeleteMessage', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'],
    })] : []),
    new iam.PolicyStatement({
      sid: 'AllowRegionalReadActions',
      resources: ['*'],
      actions: [
        'ec2:DescribeCapacityReservations', 'ec2:DescribeImages', 'ec2:DescribeInstances', 'ec2:DescribeInstanceTypeOfferings',
        'ec2:DescribeInstanceTypes', 'ec2:DescribeLaunchTemplates', 'ec2:DescribeSecurityGroups', 'ec2:DescribeSpotPriceHistory',
        'ec2:DescribeSubnets',
      ],
      conditions: { StringEquals: { 'aws:RequestedRegion': region } },
    }),
    new iam.PolicyStatement({
      sid: 'AllowSSMReadActions',
      resources: [`arn:${partition}:ssm:${region}::parameter/aws/service/*`],
      actions: ['ssm:GetParameter'],
    }),
    new iam.PolicyStatement({ sid: 'AllowPricingReadActions', resources: ['*'], actions: ['pricing:GetProducts'] }),
    new iam.PolicyStatement({ sid: 'AllowUnscopedInstanceProfileListAction', resources: ['*'], actions: ['iam:ListInstanceProfiles'] }),
    new iam.PolicyStatement({ sid: 'AllowInstanceProfileReadActions', resources: [instanceProfiles], actions: ['iam:GetInstanceProfile'] }),
  ];
}
