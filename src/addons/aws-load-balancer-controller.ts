import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AddonDefinition } from './addon-definition';

/**
 * Options for the AWS Load Balancer Controller's role.
 */
export interface AwsLoadBalancerControllerOptions {
  /**
   * The name of the EKS cluster, for the chart's `clusterName` value (which the chart requires).
   *
   * @default - not in the Helm values: set `clusterName` yourself
   */
  readonly clusterName?: string;

  /**
   * The cluster's region, for the chart's `region` value.
   *
   * @default - not in the Helm values: the controller reads it from the instance metadata service
   */
  readonly region?: string;

  /**
   * The cluster's VPC ID, for the chart's `vpcId` value.
   *
   * @default - not in the Helm values: the controller reads it from the instance metadata service
   */
  readonly vpcId?: string;
}

/** The tag the controller puts on every security group, load balancer and target group it creates. */
const CLUSTER_TAG = 'elbv2.k8s.aws/cluster';
/** The request carries the cluster tag: the controller is creating one of its own resources. */
const taggingNew = () => ({ Null: { [`aws:RequestTag/${CLUSTER_TAG}`]: 'false' } });
/** The resource already carries the cluster tag (the controller made it), and the request does not set that tag. */
const taggedNotRetagged = () => ({ Null: { [`aws:RequestTag/${CLUSTER_TAG}`]: 'true', [`aws:ResourceTag/${CLUSTER_TAG}`]: 'false' } });
/** The resource carries the cluster tag. */
const tagged = () => ({ Null: { [`aws:ResourceTag/${CLUSTER_TAG}`]: 'false' } });

/**
 * The AWS Load Balancer Controller (`kube-system/aws-load-balancer-controller`, chart `eks/aws-load-balancer-controller`;
 * there is no EKS add-on) manages ALBs, NLBs, their target groups and security groups.
 *
 * Permissions track the controller's reference policy, `kubernetes-sigs/aws-load-balancer-controller`
 * `docs/install/iam_policy.json` at commit 2b150b977b79dcad119243f2e8f3625ea5bb7e81 (main between v2.11.0 and v2.12.0,
 * the newest copy we could read in full), statement for statement, with the stack's partition where upstream writes
 * `arn:aws:`. Three actions that later releases added are granted as those releases grant them, because the
 * controller fails without them: `ec2:DescribeIpamPools` (v2.12, IPAM pools for load balancer addresses) and
 * `ec2:DescribeRouteTables` (v2.13, subnet reachability) with the other reads, and
 * `elasticloadbalancing:SetRulePriorities` (reordering rules of an ingress group) with the other listener changes.
 * `elasticloadbalancing:ModifyIpPools` moves from the unconditioned reads into the statement that requires the
 * controller's cluster tag, as later releases do. Resources the controller did not create and tag are only touched
 * where upstream allows it (listeners, rules and security group ingress, which carry no tag of their own).
 */
export function awsLoadBalancerController(options: AwsLoadBalancerControllerOptions = {}): AddonDefinition {
  return {
    name: 'aws-load-balancer-controller',
    namespace: 'kube-system',
    serviceAccountNames: ['aws-load-balancer-controller'],
    policySource: {
      document: 'kubernetes-sigs/aws-load-balancer-controller docs/install/iam_policy.json, plus ec2:DescribeIpamPools, ec2:DescribeRouteTables '
        + 'and elasticloadbalancing:SetRulePriorities as v2.12 and v2.13 add them',
      version: 'commit 2b150b977b79dcad119243f2e8f3625ea5bb7e81 (between v2.11.0 and v2.12.0)',
    },
    managedPolicyNames: [],
    statements: scope => loadBalancerControllerStatements(Stack.of(scope).partition),
    helmValues: ([controller]) => ({
      ...(options.clusterName !== undefined ? { clusterName: options.clusterName } : {}),
      ...(options.region !== undefined ? { region: options.region } : {}),
      ...(options.vpcId !== undefined ? { vpcId: options.vpcId } : {}),
      serviceAccount: { create: true, ...controller },
    }),
  };
}

function loadBalancerControllerStatements(partition: string): iam.PolicyStatement[] {
  const securityGroups = `arn:${partition}:ec2:*:*:security-group/*`;
  const elb = (resource: string) => `arn:${partition}:elasticloadbalancing:*:*:${resource}`;
  const taggable = [elb('targetgroup/*/*'), elb('loadbalancer/net/*/*'), elb('loadbalancer/app/*/*')];
  return [
    new iam.PolicyStatement({
      actions: ['iam:CreateServiceLinkedRole'],
      resources: ['*'],
      conditions: { StringEquals: { 'iam:AWSServiceName': 'elasticloadbalancing.amazonaws.com' } },
    }),
    new iam.PolicyStatement({
      actions: [
        'ec2:DescribeAccountAttributes', 'ec2:DescribeAddresses', 'ec2:DescribeAvailabilityZones', 'ec2:DescribeInternetGateways',
        'ec2:DescribeVpcs', 'ec2:DescribeVpcPeeringConnections', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups',
        'ec2:DescribeInstances', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeTags', 'ec2:GetCoipPoolUsage', 'ec2:DescribeCoipPools',
        'ec2:GetSecurityGroupsForVpc', 'ec2:DescribeIpamPools', 'ec2:DescribeRouteTables',
        'elasticloadbalancing:DescribeLoadBalancers', 'elasticloadbalancing:DescribeLoadBalancerAttributes',
        'elasticloadbalancing:DescribeListeners', 'elasticloadbalancing:DescribeListenerCertificates',
        'elasticloadbalancing:DescribeSSLPolicies', 'elasticloadbalancing:DescribeRules', 'elasticloadbalancing:DescribeTargetGroups',
        'elasticloadbalancing:DescribeTargetGroupAttributes', 'elasticloadbalancing:DescribeTargetHealth',
        'elasticloadbalancing:DescribeTags', 'elasticloadbalancing:DescribeTrustStores', 'elasticloadbalancing:DescribeListenerAttributes',
        'elasticloadbalancing:DescribeCapacityReservation',
      ],
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      actions: [
        'cognito-idp:DescribeUserPoolClient', 'acm:ListCertificates', 'acm:DescribeCertificate', 'iam:ListServerCertificates',
        'iam:GetServerCertificate', 'waf-regional:GetWebACL', 'waf-regional:GetWebACLForResource', 'waf-regional:AssociateWebACL',
        'waf-regional:DisassociateWebACL', 'wafv2:GetWebACL', 'wafv2:GetWebACLForResource', 'wafv2:AssociateWebACL',
        'wafv2:DisassociateWebACL', 'shield:GetSubscriptionState', 'shield:DescribeProtection', 'shield:CreateProtection',
        'shield:DeleteProtection',
      ],
      resources: ['*'],
    }),
    new iam.PolicyStatement({ actions: ['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress'], resources: ['*'] }),
    new iam.PolicyStatement({ actions: ['ec2:CreateSecurityGroup'], resources: ['*'] }),
    new iam.PolicyStatement({
      actions: ['ec2:CreateTags'],
      resources: [securityGroups],
      conditions: { StringEquals: { 'ec2:CreateAction': 'CreateSecurityGroup' }, ...taggingNew() },
    }),
    new iam.PolicyStatement({ actions: ['ec2:CreateTags', 'ec2:DeleteTags'], resources: [securityGroups], conditions: taggedNotRetagged() }),
    new iam.PolicyStatement({
      actions: ['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress', 'ec2:DeleteSecurityGroup'],
      resources: ['*'],
      conditions: tagged(),
    }),
    new iam.PolicyStatement({
      actions: ['elasticloadbalancing:CreateLoadBalancer', 'elasticloadbalancing:CreateTargetGroup'],
      resources: ['*'],
      conditions: taggingNew(),
    }),
    new iam.PolicyStatement({
      actions: [
        'elasticloadbalancing:CreateListener', 'elasticloadbalancing:DeleteListener', 'elasticloadbalancing:CreateRule',
        'elasticloadbalancing:DeleteRule',
      ],
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      actions: ['elasticloadbalancing:AddTags', 'elasticloadbalancing:RemoveTags'],
      resources: taggable,
      conditions: taggedNotRetagged(),
    }),
    new iam.PolicyStatement({
      actions: ['elasticloadbalancing:AddTags', 'elasticloadbalancing:RemoveTags'],
      resources: [elb('listener/net/*/*/*'), elb('listener/app/*/*/*'), elb('listener-rule/net/*/*/*'), elb('listener-rule/app/*/*/*')],
    }),
    new iam.PolicyStatement({
      actions: [
        'elasticloadbalancing:ModifyLoadBalancerAttributes', 'elasticloadbalancing:SetIpAddressType', 'elasticloadbalancing:SetSecurityGroups',
        'elasticloadbalancing:SetSubnets', 'elasticloadbalancing:DeleteLoadBalancer', 'elasticloadbalancing:ModifyTargetGroup',
        'elasticloadbalancing:ModifyTargetGroupAttributes', 'elasticloadbalancing:DeleteTargetGroup',
        'elasticloadbalancing:ModifyListenerAttributes', 'elasticloadbalancing:ModifyCapacityReservation',
        'elasticloadbalancing:ModifyIpPools',
      ],
      resources: ['*'],
      conditions: tagged(),
    }),
    new iam.PolicyStatement({
      actions: ['elasticloadbalancing:AddTags'],
      resources: taggable,
      conditions: { StringEquals: { 'elasticloadbalancing:CreateAction': ['CreateTargetGroup', 'CreateLoadBalancer'] }, ...taggingNew() },
    }),
    new iam.PolicyStatement({
      actions: ['elasticloadbalancing:RegisterTargets', 'elasticloadbalancing:DeregisterTargets'],
      resources: [elb('targetgroup/*/*')],
    }),
    new iam.PolicyStatement({
      actions: [
        'elasticloadbalancing:SetWebAcl', 'elasticloadbalancing:ModifyListener', 'elasticloadbalancing:AddListenerCertificates',
        'elasticloadbalancing:RemoveListenerCertificates', 'elasticloadbalancing:ModifyRule', 'elasticloadbalancing:SetRulePriorities',
      ],
      resources: ['*'],
    }),
  ];
}
