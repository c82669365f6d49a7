import * as route53 from 'aws-cdk-lib/aws-route53';
import { actionsOf, INLINE_POLICY_LIMIT, literalPartitionStack, normalize, policySize, resolve, serviceAccount, upstream } from './addon-test-support';
import { externalDns } from '../../src/addons/external-dns';
import { testStack } from '../support/app';

const UPSTREAM = upstream('external-dns');

describe('externalDns', () => {
  test('trusts external-dns in its namespace, as the EKS community add-on external-dns', () => {
    const stack = testStack();
    const addon = externalDns({ hostedZones: [route53.HostedZone.fromHostedZoneId(stack, 'Zone', 'Z1')] });
    expect([addon.name, addon.namespace, addon.serviceAccountNames, addon.eksAddonName])
      .toEqual(['external-dns', 'external-dns', ['external-dns'], 'external-dns']);
    expect(addon.policySource.version).toBe(UPSTREAM.version);
  });

  test('grants exactly the upstream actions', () => {
    const stack = testStack();
    const addon = externalDns({ hostedZones: [route53.HostedZone.fromHostedZoneId(stack, 'Zone', 'Z1')] });
    expect(actionsOf(resolve(stack, addon.statements(stack)))).toEqual(actionsOf(UPSTREAM.policy.Statement));
    expect(addon.managedPolicyNames).toEqual([]);
  });

  test('changes and lists records in the given zones only; only ListHostedZones is on *', () => {
    // GIVEN
    const stack = literalPartitionStack('cn-north-1');
    const zones = [route53.HostedZone.fromHostedZoneId(stack, 'A', 'Z0A'), route53.HostedZone.fromHostedZoneId(stack, 'B', 'Z0B')];

    // WHEN
    const ours = resolve(stack, externalDns({ hostedZones: zones }).statements(stack));

    // THEN upstream's statements, with the zones for hostedzone/*
    const [records, listZones] = UPSTREAM.policy.Statement;
    expect(ours.map(normalize)).toEqual([
      normalize({ ...records, Resource: ['arn:aws-cn:route53:::hostedzone/Z0A', 'arn:aws-cn:route53:::hostedzone/Z0B'] }),
      normalize(listZones),
    ]);
  });

  test('scopes to a zone of the same app by its deploy-time ID', () => {
    const stack = testStack();
    const zone = new route53.PublicHostedZone(stack, 'Zone', { zoneName: 'example.com' });
    const [records] = resolve(stack, externalDns({ hostedZones: [zone] }).statements(stack));
    expect(records.Resource).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':route53:::hostedzone/', { Ref: 'ZoneA5DE4B68' }]] });
  });

  test('gives the chart the AWS provider and the ServiceAccount, and domainFilters when given', () => {
    const stack = testStack();
    const hostedZones = [route53.HostedZone.fromHostedZoneId(stack, 'Zone', 'Z1')];
    const controller = serviceAccount('external-dns');
    const expectedServiceAccount = {
      create: true,
      name: 'external-dns',
      annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/addon' },
    };
    expect(externalDns({ hostedZones }).helmValues([controller])).toEqual({ provider: { name: 'aws' }, serviceAccount: expectedServiceAccount });
    expect(externalDns({ hostedZones, domainFilters: ['example.com'] }).helmValues([controller]))
      .toEqual({ provider: { name: 'aws' }, domainFilters: ['example.com'], serviceAccount: expectedServiceAccount });
  });

  test('needs at least one hosted zone', () => {
    const fix = "Pass the Route 53 hosted zones ExternalDNS manages, such as route53.HostedZone.fromHostedZoneId(this, 'Zone', 'Z0123456789ABC').";
    expect(() => externalDns({ hostedZones: [] }))
      .toThrow(new Error(`IrsaAddon.externalDns: hostedZones is empty, and an empty scope would grant nothing or everything. ${fix}`));
    expect(() => externalDns({} as any))
      .toThrow(new Error(`IrsaAddon.externalDns: hostedZones is missing, and an empty scope would grant nothing or everything. ${fix}`));
  });

  test('fits in a role\'s inline policies with 50 zones, in the partition with the longest name', () => {
    const stack = literalPartitionStack();
    const hostedZones = Array.from({ length: 50 }, (_, i) => route53.HostedZone.fromHostedZoneId(stack, `Zone${i}`, `Z0${i}ABCDEFGHIJKLMNOPQ`.slice(0, 21)));
    expect(policySize(stack, externalDns({ hostedZones }).statements(stack))).toBeLessThan(INLINE_POLICY_LIMIT);
  });
});
