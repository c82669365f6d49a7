import { Lazy } from 'aws-cdk-lib';
import { actionsOf, INLINE_POLICY_LIMIT, literalPartitionStack, normalize, policySize, resolve, serviceAccount, upstream } from './addon-test-support';
import { clusterAutoscaler } from '../../src/addons/cluster-autoscaler';
import { testStack } from '../support/app';

const UPSTREAM = upstream('cluster-autoscaler');
const FIX = "Pass the EKS cluster's name as a literal string, such as clusterName: 'my-cluster'.";

describe('clusterAutoscaler', () => {
  test('trusts cluster-autoscaler in kube-system; there is no EKS add-on', () => {
    const addon = clusterAutoscaler({ clusterName: 'prod' });
    expect([addon.name, addon.namespace, addon.serviceAccountNames, addon.eksAddonName])
      .toEqual(['cluster-autoscaler', 'kube-system', ['cluster-autoscaler'], undefined]);
  });

  test('grants exactly the upstream actions', () => {
    const stack = testStack();
    const addon = clusterAutoscaler({ clusterName: 'prod' });
    expect(actionsOf(resolve(stack, addon.statements(stack)))).toEqual(actionsOf(UPSTREAM.policy.Statement));
    expect(addon.managedPolicyNames).toEqual([]);
  });

  test('is upstream\'s policy, with scaling and terminating allowed only in groups tagged for this cluster', () => {
    // GIVEN
    const stack = testStack();

    // WHEN
    const ours = resolve(stack, clusterAutoscaler({ clusterName: 'prod' }).statements(stack));

    // THEN the reads stay on * (none has resource-level permissions); the writes get the auto-discovery tag's condition
    const [reads, writes] = UPSTREAM.policy.Statement;
    expect(ours.map(normalize)).toEqual([
      normalize(reads),
      normalize({ ...writes, Condition: { StringEquals: { 'aws:ResourceTag/k8s.io/cluster-autoscaler/prod': 'owned' } } }),
    ]);
  });

  test('sets the chart\'s ServiceAccount name (its default depends on the release name), auto-discovery and, if given, the region', () => {
    const controller = serviceAccount('cluster-autoscaler');
    const rbac = {
      serviceAccount: { create: true, name: 'cluster-autoscaler', annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/addon' } },
    };
    expect(clusterAutoscaler({ clusterName: 'prod' }).helmValues([controller])).toEqual({ autoDiscovery: { clusterName: 'prod' }, rbac });
    expect(clusterAutoscaler({ clusterName: 'prod', region: 'eu-west-2' }).helmValues([controller]))
      .toEqual({ autoDiscovery: { clusterName: 'prod' }, awsRegion: 'eu-west-2', rbac });
  });

  test('needs a literal EKS cluster name', () => {
    expect(() => clusterAutoscaler({} as any)).toThrow(new Error(`IrsaAddon.clusterAutoscaler: clusterName is missing. ${FIX}`));
    expect(() => clusterAutoscaler({ clusterName: '' })).toThrow(new Error(`IrsaAddon.clusterAutoscaler: clusterName is empty. ${FIX}`));
    expect(() => clusterAutoscaler({ clusterName: Lazy.string({ produce: () => 'prod' }) })).toThrow(new Error(
      `IrsaAddon.clusterAutoscaler: clusterName is a token, but it goes into IAM condition keys, which must be literal. ${FIX} `
      + 'A cluster created in this app has a literal name when you set its clusterName property; use that string.'));
    expect(() => clusterAutoscaler({ clusterName: 'my cluster' })).toThrow(new Error(
      "IrsaAddon.clusterAutoscaler: clusterName 'my cluster' is not an EKS cluster name "
      + '(1 to 100 letters, digits, hyphens and underscores, starting with a letter or digit). Pass the name the cluster has in EKS.'));
    expect(() => clusterAutoscaler({ clusterName: 'a'.repeat(100) })).not.toThrow();
    expect(() => clusterAutoscaler({ clusterName: 'a'.repeat(101) })).toThrow(/is not an EKS cluster name/);
  });

  test('fits in a role\'s inline policies with the longest cluster name, in the partition with the longest name', () => {
    const stack = literalPartitionStack();
    expect(policySize(stack, clusterAutoscaler({ clusterName: 'a'.repeat(100) }).statements(stack))).toBeLessThan(INLINE_POLICY_LIMIT);
  });
});
