import { CfnParameter, Stack } from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { partitionOfRegion, roleArnAtSynth } from '../../src/private/role-arn';
import { testApp } from '../support/app';

describe('roleArnAtSynth', () => {
  test('is literal with a concrete account and region', () => {
    const stack = new Stack(testApp(), 'S', { env: { account: '123456789012', region: 'us-gov-west-1' } });
    expect(roleArnAtSynth(stack, 'name', '/a/b/')).toEqual({ arn: 'arn:aws-us-gov:iam::123456789012:role/a/b/name' });
  });

  test.each([
    [{}, "stack 'S' has no concrete account (env.account)"],
    [{ account: '123456789012' }, "stack 'S' has no concrete region (env.region), so its partition is unknown"],
    [{ account: '123456789012', region: 'Nowhere' }, "'Nowhere' is not a region name, so its partition is unknown"],
  ])('explains why it is unknown for env %j', (env, reason) => {
    const stack = new Stack(testApp(), 'S', { env });
    const result = roleArnAtSynth(stack, 'name', '/');
    expect(result.arn).toBeUndefined();
    expect(result.unknownBecause).toContain(reason);
  });

  test('takes the partition from the region name, also for a region this aws-cdk-lib does not know', () => {
    const stack = new Stack(testApp(), 'S', { env: { account: '123456789012', region: 'eusc-de-east-9' } });
    expect(roleArnAtSynth(stack, 'name', '/')).toEqual({ arn: 'arn:aws-eusc:iam::123456789012:role/name' });
  });

  test('is unknown when the name is a token', () => {
    const stack = new Stack(testApp(), 'S', { env: { account: '123456789012', region: 'eu-west-2' } });
    const name = new CfnParameter(stack, 'Name').valueAsString;
    expect(roleArnAtSynth(stack, name, '/')).toEqual({ unknownBecause: 'the role name or path is a token' });
  });
});

describe('partitionOfRegion', () => {
  test('agrees with aws-cdk-lib\'s region facts for every region they know', () => {
    const regions = RegionInfo.regions.map(r => r.name);
    expect(regions.length).toBeGreaterThan(30);
    const known = Object.fromEntries(regions.map(r => [r, RegionInfo.get(r).partition]));
    expect(Object.fromEntries(regions.map(r => [r, partitionOfRegion(r)]))).toEqual(known);
  });

  test('reads the prefix of a region aws-cdk-lib does not know yet', () => {
    expect(['xx-nowhere-1', 'cn-far-west-7', 'us-isob-north-3'].map(partitionOfRegion)).toEqual(['aws', 'aws-cn', 'aws-iso-b']);
    expect(partitionOfRegion('us-east')).toBeUndefined();
  });
});
