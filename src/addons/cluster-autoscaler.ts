import * as iam from 'aws-cdk-lib/aws-iam';
import { AddonDefinition } from './addon-definition';
import { requireLiteralClusterName } from './addon-helpers';

/**
 * Options for the Cluster Autoscaler's role.
 */
export interface ClusterAutoscalerOptions {
  /**
   * The name of the EKS cluster, as a literal string: it names the tag that scopes scaling, and the chart's
   * `autoDiscovery.clusterName`.
   *
   * The autoscaler may only scale and terminate in Auto Scaling groups tagged
   * `k8s.io/cluster-autoscaler/<clusterName>: owned`, which EKS managed node groups and eksctl set; tag groups you make
   * yourself the same way.
   */
  readonly clusterName: string;

  /**
   * The cluster's region, for the chart's `awsRegion` value.
   *
   * @default - not in the Helm values: the chart's own default, `us-east-1`
   */
  readonly region?: string;
}

/**
 * The Cluster Autoscaler's AWS cloud provider (`kube-system/cluster-autoscaler`, chart `autoscaler/cluster-autoscaler`;
 * there is no EKS add-on) resizes Auto Scaling groups it discovers by tag.
 *
 * The chart names its ServiceAccount after the release (`<release>-aws-cluster-autoscaler`) unless
 * `rbac.serviceAccount.name` is set, so the Helm values set it to the name the role trusts.
 *
 * Permissions track the "Full Cluster Autoscaler Features Policy" of `kubernetes/autoscaler`
 * `cluster-autoscaler/cloudprovider/aws/README.md` (the current master text): the reads on `*` (none of them has
 * resource-level permissions), and `autoscaling:SetDesiredCapacity` and `autoscaling:TerminateInstanceInAutoScalingGroup`.
 */
export function clusterAutoscaler(options: ClusterAutoscalerOptions): AddonDefinition {
  const clusterName = requireLiteralClusterName('clusterAutoscaler', options.clusterName);
  const region = options.region;
  return {
    name: 'cluster-autoscaler',
    namespace: 'kube-system',
    serviceAccountNames: ['cluster-autoscaler'],
    policySource: {
      document: 'kubernetes/autoscaler cluster-autoscaler/cloudprovider/aws/README.md, Full Cluster Autoscaler Features Policy',
      version: 'master README text; the tag condition on the write actions is ours',
    },
    managedPolicyNames: [],
    statements: () => [
      new iam.PolicyStatement({
        actions: [
          'autoscaling:DescribeAutoScalingGroups', 'autoscaling:DescribeAutoScalingInstances', 'autoscaling:DescribeLaunchConfigurations',
          'autoscaling:DescribeScalingActivities', 'ec2:DescribeImages', 'ec2:DescribeInstanceTypes', 'ec2:DescribeLaunchTemplateVersions',
          'ec2:GetInstanceTypesFromInstanceRequirements', 'eks:DescribeNodegroup',
        ],
        resources: ['*'],
      }),
      // Upstream grants these on `*` and suggests restricting them by tag; this condition is ours, not upstream's text. It
      // is the auto-discovery tag: the chart's `autoDiscovery.clusterName` makes the autoscaler look only at groups that
      // carry `k8s.io/cluster-autoscaler/<clusterName>`, so what it denies is groups of other clusters and untagged
      // ones, which the autoscaler never means to touch. EKS managed node groups and eksctl set the tag's value to
      // `owned`; a group tagged with another value is discovered but cannot be resized (AccessDenied).
      new iam.PolicyStatement({
        actions: ['autoscaling:SetDesiredCapacity', 'autoscaling:TerminateInstanceInAutoScalingGroup'],
        resources: ['*'],
        conditions: { StringEquals: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${clusterName}`]: 'owned' } },
      }),
    ],
    helmValues: ([controller]) => ({
      autoDiscovery: { clusterName },
      ...(region !== undefined ? { awsRegion: region } : {}),
      rbac: { serviceAccount: { create: true, ...controller } },
    }),
  };
}
