import { actionsOf, serviceAccount, upstream } from './addon-test-support';
import { cloudWatchObservability } from '../../src/addons/cloudwatch-observability';
import { testStack } from '../support/app';

const AGENT = upstream('cloudwatch-observability');
const XRAY = upstream('cloudwatch-observability-xray');

describe('cloudWatchObservability', () => {
  test('trusts the agent in amazon-cloudwatch, as the EKS add-on amazon-cloudwatch-observability', () => {
    const addon = cloudWatchObservability();
    expect([addon.name, addon.namespace, addon.serviceAccountNames, addon.eksAddonName])
      .toEqual(['amazon-cloudwatch-observability', 'amazon-cloudwatch', ['cloudwatch-agent'], 'amazon-cloudwatch-observability']);
  });

  test('grants CloudWatchAgentServerPolicy, and nothing of its own', () => {
    const stack = testStack();
    const addon = cloudWatchObservability();
    expect(addon.managedPolicyNames).toEqual([AGENT.managedPolicyName]);
    expect(addon.statements(stack)).toEqual([]);
    expect(addon.policySource.version).toBe(AGENT.version);
  });

  test('needs no AWSXrayWriteOnlyAccess, which the EKS user guide also attaches: its actions are all in CloudWatchAgentServerPolicy', () => {
    expect(actionsOf(XRAY.policy.Statement).length).toBeGreaterThan(0);
    expect(actionsOf(AGENT.policy.Statement)).toEqual(expect.arrayContaining(actionsOf(XRAY.policy.Statement)));
    expect(cloudWatchObservability().managedPolicyNames).not.toContain(XRAY.managedPolicyName);
  });

  test('only names the agent\'s ServiceAccount in the chart, which has no annotations value for it', () => {
    // The role reaches the agent through the EKS add-on's serviceAccountRoleArn; claiming an annotation here would be a lie.
    expect(cloudWatchObservability().helmValues([serviceAccount('cloudwatch-agent')])).toEqual({ agent: { serviceAccount: { name: 'cloudwatch-agent' } } });
  });
});
