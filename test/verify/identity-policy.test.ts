import { evaluateIdentityPolicy } from '../../src/verify/identity-policy';

const TARGET = 'arn:aws:iam::222222222222:role/orders-reader';

describe('evaluateIdentityPolicy', () => {
  test('allows an action on a resource some Allow covers, with IAM\'s wildcards', () => {
    expect(evaluateIdentityPolicy([{ Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:TagSession'], Resource: TARGET }], 'sts:TagSession', TARGET))
      .toEqual({ allowed: true });
    expect(evaluateIdentityPolicy([{ Effect: 'Allow', Action: 'sts:*', Resource: 'arn:aws:iam::222222222222:role/*' }], 'sts:AssumeRole', TARGET).allowed).toBe(true);
    expect(evaluateIdentityPolicy([{ Effect: 'Allow', NotAction: 's3:*', NotResource: 'arn:aws:s3:::*' }], 'sts:AssumeRole', TARGET).allowed).toBe(true);
  });

  test('refuses another resource, an explicit Deny, and a conditional Allow (it fails closed), saying why', () => {
    expect(evaluateIdentityPolicy([{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: 'arn:aws:iam::222222222222:role/other' }], 'sts:AssumeRole', TARGET))
      .toEqual({ allowed: false, reason: `no identity-policy statement of the role allows sts:AssumeRole on ${TARGET}` });
    expect(evaluateIdentityPolicy([
      { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' },
      { Effect: 'Deny', Action: 'sts:AssumeRole', Resource: TARGET },
    ], 'sts:AssumeRole', TARGET)).toEqual({ allowed: false, reason: `an identity-policy statement denies sts:AssumeRole on ${TARGET}` });
    expect(evaluateIdentityPolicy([{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }],
      'sts:AssumeRole', TARGET).allowed).toBe(false);
  });
});
