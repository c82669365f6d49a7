import {
  asArray,
  coversAction,
  federatedPrincipalsOf,
  isWebIdentityStatement,
  mentionsWebIdentity,
  statementsOf,
} from '../../src/private/policy-statements';

const PROVIDER = 'arn:aws:iam::123456789012:oidc-provider/oidc.example.com';
const webIdentity = (overrides: Record<string, unknown> = {}) => ({
  Effect: 'Allow', Action: 'sts:AssumeRoleWithWebIdentity', Principal: { Federated: PROVIDER }, ...overrides,
});
/** A stand-in for a value only known at deploy time. */
const DEPLOY_TIME = '<deploy-time>';
const isDeployTime = (value: unknown) => value === DEPLOY_TIME;

describe('policy statements', () => {
  test('IAM takes one value or a list', () => {
    expect([asArray(undefined), asArray('a'), asArray(['a', 'b'])]).toEqual([[], ['a'], ['a', 'b']]);
    expect(statementsOf({ Statement: { Sid: 'one' } })).toEqual([{ Sid: 'one' }]);
    expect(statementsOf('not a policy')).toEqual([]);
    expect(federatedPrincipalsOf({ Federated: PROVIDER })).toEqual([PROVIDER]);
    expect(federatedPrincipalsOf('*')).toEqual([]);
  });

  test.each([
    ['the action', { Action: 'sts:AssumeRoleWithWebIdentity' }, true],
    ['a wildcard, in any case', { Action: ['s3:GetObject', 'STS:Assume*'] }, true],
    ['another action', { Action: 'sts:AssumeRole' }, false],
    ['a NotAction that excludes something else', { NotAction: 'sts:AssumeRole' }, true],
    ['a NotAction that excludes it', { NotAction: 'sts:AssumeRoleWith*' }, false],
    ['neither Action nor NotAction', {}, false],
  ])('covers an action with %s: %s', (_, statement, covered) => {
    expect(coversAction(statement, 'sts:AssumeRoleWithWebIdentity')).toBe(covered);
  });

  test('a deploy-time action may be the one, and a deploy-time NotAction entry may not exclude it', () => {
    expect(coversAction({ Action: [DEPLOY_TIME] }, 'sts:AssumeRoleWithWebIdentity', isDeployTime)).toBe(true);
    expect(coversAction({ NotAction: [DEPLOY_TIME] }, 'sts:AssumeRoleWithWebIdentity', isDeployTime)).toBe(true);
    expect(coversAction({ Action: [DEPLOY_TIME] }, 'sts:AssumeRoleWithWebIdentity')).toBe(false);
  });

  test.each([
    ['a Federated principal', webIdentity(), true],
    ['everyone', webIdentity({ Principal: '*' }), true],
    ['an AWS wildcard', webIdentity({ Principal: { AWS: ['*'] } }), true],
    ['everyone but a NotPrincipal', webIdentity({ Principal: undefined, NotPrincipal: { AWS: 'arn:aws:iam::1:root' } }), true],
    ['a Deny', webIdentity({ Effect: 'Deny' }), false],
    ['a service principal', webIdentity({ Principal: { Service: 'lambda.amazonaws.com' } }), false],
    ['another action', webIdentity({ Action: 'sts:AssumeRole' }), false],
    ['no statement at all', 'garbage', false],
  ])('a statement for %s lets web identities in: %s', (_, statement, expected) => {
    expect(isWebIdentityStatement(statement)).toBe(expected);
  });

  test('with deploy-time parts, a statement that may let web identities in counts', () => {
    expect(isWebIdentityStatement(webIdentity({ Effect: DEPLOY_TIME }), isDeployTime)).toBe(true);
    expect(isWebIdentityStatement(webIdentity({ Principal: DEPLOY_TIME }), isDeployTime)).toBe(true);
    expect(isWebIdentityStatement(webIdentity({ Principal: { AWS: [DEPLOY_TIME] } }), isDeployTime)).toBe(true);
    expect(isWebIdentityStatement(webIdentity({ Effect: DEPLOY_TIME }))).toBe(false);
  });

  test('a value mentions web identities through its action or a provider ARN', () => {
    expect(mentionsWebIdentity({ 'Fn::If': ['C', { Action: 'sts:AssumeRoleWithWebIdentity' }, {}] })).toBe(true);
    expect(mentionsWebIdentity({ 'Fn::Sub': 'arn:aws:iam::1:oidc-provider/x' })).toBe(true);
    expect(mentionsWebIdentity({ Ref: 'Policy' })).toBe(false);
    expect(mentionsWebIdentity(undefined)).toBe(false);
  });
});
