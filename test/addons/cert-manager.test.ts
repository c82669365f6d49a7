import * as route53 from 'aws-cdk-lib/aws-route53';
import { actionsOf, INLINE_POLICY_LIMIT, literalPartitionStack, normalize, policySize, resolve, serviceAccount, upstream } from './addon-test-support';
import { certManager } from '../../src/addons/cert-manager';
import { testStack } from '../support/app';

const UPSTREAM = upstream('cert-manager');

describe('certManager', () => {
  test('trusts the controller in cert-manager', () => {
    const stack = testStack();
    const addon = certManager({ hostedZones: [route53.HostedZone.fromHostedZoneId(stack, 'Zone', 'Z1')] });
    expect([addon.name, addon.namespace, addon.serviceAccountNames, addon.eksAddonName])
      .toEqual(['cert-manager', 'cert-manager', ['cert-manager'], undefined]);
  });

  test('grants exactly the upstream actions', () => {
    const stack = testStack();
    const addon = certManager({ hostedZones: [route53.HostedZone.fromHostedZoneId(stack, 'Zone', 'Z1')] });
    expect(actionsOf(resolve(stack, addon.statements(stack)))).toEqual(actionsOf(UPSTREAM.policy.Statement));
    expect(addon.managedPolicyNames).toEqual([]);
  });

  test('is upstream\'s policy with the given zones for hostedzone/*, keeping the TXT-only condition', () => {
    // GIVEN
    const stack = literalPartitionStack('us-gov-west-1');
    const hostedZones = [route53.HostedZone.fromHostedZoneId(stack, 'A', 'Z0A'), route53.HostedZone.fromHostedZoneId(stack, 'B', 'Z0B')];

    // WHEN
    const ours = resolve(stack, certManager({ hostedZones }).statements(stack));

    // THEN
    const [getChange, records, listZones] = JSON.parse(JSON.stringify(UPSTREAM.policy.Statement).replace(/arn:aws:/g, 'arn:aws-us-gov:'));
    expect(ours.map(normalize)).toEqual([
      normalize(getChange),
      normalize({ ...records, Resource: ['arn:aws-us-gov:route53:::hostedzone/Z0A', 'arn:aws-us-gov:route53:::hostedzone/Z0B'] }),
      normalize(listZones),
    ]);
    expect(ours[1].Condition).toEqual({ 'ForAllValues:StringEquals': { 'route53:ChangeResourceRecordSetsRecordTypes': ['TXT'] } });
    expect(ours.filter(statement => statement.Resource === '*').map(statement => statement.Action)).toEqual(['route53:ListHostedZonesByName']);
  });

  test('gives the chart the ServiceAccount', () => {
    const stack = testStack();
    const addon = certManager({ hostedZones: [route53.HostedZone.fromHostedZoneId(stack, 'Zone', 'Z1')] });
    expect(addon.helmValues([serviceAccount('cert-manager')])).toEqual({
      serviceAccount: { create: true, name: 'cert-manager', annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/addon' } },
    });
  });

  test('needs at least one hosted zone', () => {
    const fix = 'Pass the Route 53 hosted zones of the domains cert-manager issues certificates for, '
      + "such as route53.HostedZone.fromHostedZoneId(this, 'Zone', 'Z0123456789ABC').";
    expect(() => certManager({ hostedZones: [] }))
      .toThrow(new Error(`IrsaAddon.certManager: hostedZones is empty, and an empty scope would grant nothing or everything. ${fix}`));
    expect(() => certManager({} as any))
      .toThrow(new Error(`IrsaAddon.certManager: hostedZones is missing, and an empty scope would grant nothing or everything. ${fix}`));
  });

  test('fits in a role\'s inline policies with 50 zones, in the partition with the longest name', () => {
    const stack = literalPartitionStack();
    const hostedZones = Array.from({ length: 50 }, (_, i) => route53.HostedZone.fromHostedZoneId(stack, `Zone${i}`, `Z0${i}ABCDEFGHIJKLMNOPQ`.slice(0, 21)));
    expect(policySize(stack, certManager({ hostedZones }).statements(stack))).toBeLessThan(INLINE_POLICY_LIMIT);
  });
});
