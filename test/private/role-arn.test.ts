import { CfnParameter, Stack } from 'aws-cdk-lib';
import { roleArnAtSynth } from '../../src/private/role-arn';
import { testApp } from '../support/app';

describe('roleArnAtSynth', () => {
  test('is literal with a concrete account and region', () => {
    const stack = new Stack(testApp(), 'S', { env: { account: '123456789012', region: 'us-gov-west-1' } });
    expect(roleArnAtSynth(stack, 'name', '/a/b/')).toEqual({ arn: 'arn:aws-us-gov:iam::123456789012:role/a/b/name' });
  });

  test.each([
    [{}, "stack 'S' has no concrete account (env.account)"],
    [{ account: '123456789012' }, "stack 'S' has no concrete region (env.region), so its partition is unknown"],
    [{ account: '123456789012', region: 'xx-nowhere-1' }, "the partition of region 'xx-nowhere-1' is not known"],
  ])('explains why it is unknown for env %j', (env, reason) => {
    const stack = new Stack(testApp(), 'S', { env });
    const result = roleArnAtSynth(stack, 'name', '/');
    expect(result.arn).toBeUndefined();
    expect(result.unknownBecause).toContain(reason);
  });

  test('is unknown when the name is a token', () => {
    const stack = new Stack(testApp(), 'S', { env: { account: '123456789012', region: 'eu-west-2' } });
    const name = new CfnParameter(stack, 'Name').valueAsString;
    expect(roleArnAtSynth(stack, name, '/')).toEqual({ unknownBecause: 'the role name or path is a token' });
  });
});
