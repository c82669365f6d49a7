import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AddonDefinition } from './addon-definition';

/**
 * Options for the Amazon VPC CNI plugin's role.
 */
export interface VpcCniOptions {
  /**
   * The cluster uses the IPv6 family: pods get IPv6 addresses from the node's prefix instead of secondary IPv4
   * addresses on extra network interfaces.
   *
   * @default false
   */
  readonly ipv6?: boolean;
}

/**
 * The Amazon VPC CNI plugin (`kube-system/aws-node`, chart `eks/aws-vpc-cni`, EKS add-on `vpc-cni`) gives pods VPC
 * addresses. Switching it to IRSA replaces the node role's CNI permissions: keep them on the node role until the
 * add-on uses this role, since pod networking stops without them.
 *
 * Permissions. IPv4: the AWS managed policy `AmazonEKS_CNI_Policy`. IPv6 (AWS has no managed policy for it): the
 * statements of the plugin's own `docs/iam-policy.md` ("IPv6 mode", `aws/amazon-vpc-cni-k8s` commit 3ecdfeb5). The
 * Amazon EKS User Guide's `AmazonEKS_CNI_IPv6_Policy` (`cni-iam-role.adoc`) is a subset of it, without
 * `ec2:DescribeSecurityGroups`, `ec2:DescribeSubnets` and `ec2:ModifyNetworkInterfaceAttribute`. We follow the repository:
 * the guide links to that section as its source, the repository is maintained with the plugin, the IPv4 managed policy
 * has since gained the same reads, and a missing permission breaks pod networking on every node.
 */
export function vpcCni(options: VpcCniOptions = {}): AddonDefinition {
  const ipv6 = options.ipv6 ?? false;
  return {
    name: 'vpc-cni',
    namespace: 'kube-system',
    serviceAccountNames: ['aws-node'],
    eksAddonName: 'vpc-cni',
    policySource: ipv6
      ? { document: 'aws/amazon-vpc-cni-k8s docs/iam-policy.md, IPv6 mode', version: 'commit 3ecdfeb5' }
      : { document: 'AWS managed policy AmazonEKS_CNI_Policy', version: 'v6 (2026-03-04)' },
    managedPolicyNames: ipv6 ? [] : ['AmazonEKS_CNI_Policy'],
    statements: scope => (ipv6 ? [
      new iam.PolicyStatement({
        actions: [
          'ec2:AssignIpv6Addresses', 'ec2:DescribeInstances', 'ec2:DescribeSecurityGroups', 'ec2:DescribeSubnets', 'ec2:DescribeTags',
          'ec2:DescribeNetworkInterfaces', 'ec2:DescribeInstanceTypes', 'ec2:ModifyNetworkInterfaceAttribute',
        ],
        resources: ['*'],
      }),
      new iam.PolicyStatement({ actions: ['ec2:CreateTags'], resources: [`arn:${Stack.of(scope).partition}:ec2:*:*:network-interface/*`] }),
    ] : []),
    helmValues: ([node]) => ({ serviceAccount: { create: true, ...node } }),
  };
}
