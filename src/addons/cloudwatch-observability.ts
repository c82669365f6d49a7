import { AddonDefinition } from './addon-definition';

/**
 * The Amazon CloudWatch Observability add-on (`amazon-cloudwatch/cloudwatch-agent`, chart
 * `aws-observability/amazon-cloudwatch-observability`, EKS add-on `amazon-cloudwatch-observability`) runs the CloudWatch
 * agent and Fluent Bit, which share the `cloudwatch-agent` ServiceAccount (the chart's Fluent Bit DaemonSet runs as the
 * agent's ServiceAccount); the EKS user guide gives the add-on one role, on that ServiceAccount.
 *
 * Permissions: the AWS managed policy `CloudWatchAgentServerPolicy`. The EKS user guide also attaches
 * `AWSXrayWriteOnlyAccess`; every action of that policy (v2) is already in `CloudWatchAgentServerPolicy` (v3), so it is
 * not attached and there is no option for it.
 *
 * The chart renders the agent's ServiceAccount with a name only (`agent.serviceAccount.name`;
 * `templates/cloudwatch-agent-serviceaccount.yaml` of `aws-observability/helm-charts` has no annotations), so its Helm
 * values cannot carry the role: the values here only pin the name the role trusts. Give the role to the EKS add-on as
 * its `serviceAccountRoleArn` (EKS then annotates the ServiceAccount), which is the supported way; with the chart alone,
 * annotate the ServiceAccount after installing and restart the agent and Fluent Bit pods.
 */
export function cloudWatchObservability(): AddonDefinition {
  return {
    name: 'amazon-cloudwatch-observability',
    namespace: 'amazon-cloudwatch',
    serviceAccountNames: ['cloudwatch-agent'],
    eksAddonName: 'amazon-cloudwatch-observability',
    policySource: { document: 'AWS managed policy CloudWatchAgentServerPolicy', version: 'v3 (2024-02-06)' },
    managedPolicyNames: ['CloudWatchAgentServerPolicy'],
    statements: () => [],
    helmValues: ([agent]) => ({ agent: { serviceAccount: { name: agent.name } } }),
  };
}
