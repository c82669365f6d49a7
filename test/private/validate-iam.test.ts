import { Duration } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  validateClientIds,
  validateIssuerUrl,
  validateMaxSessionDuration,
  validateRoleName,
  validateRolePath,
  validateThumbprints,
} from '../../src/private/validate-iam';

// The construct tests check each error message; these check that IAM's limits themselves are accepted.
describe('IAM limits accept values at their bounds', () => {
  const scope = new Construct(undefined as any, 'Scope');
  const kind = 'Test';

  test.each([
    ['a 64-character role name with every allowed symbol', () => validateRoleName(scope, kind, `${'r'.repeat(57)}+=,.@_-`)],
    ['the root path', () => validateRolePath(scope, kind, '/')],
    ['a 512-character path', () => validateRolePath(scope, kind, `/${'p'.repeat(510)}/`)],
    ['a nested path', () => validateRolePath(scope, kind, '/team/irsa/')],
    ['a 255-character issuer with a path', () => validateIssuerUrl(scope, kind, `https://oidc.example.com/${'x'.repeat(230)}`)],
    ['100 client IDs of 255 characters', () => validateClientIds(scope, kind, Array.from({ length: 100 }, (_, i) => `${i}`.padEnd(255, 'x')))],
    ['no thumbprints', () => validateThumbprints(scope, kind, [])],
    ['5 upper- and lowercase thumbprints', () => validateThumbprints(scope, kind, ['A'.repeat(40), 'f'.repeat(40), '0'.repeat(40), '9'.repeat(40), 'aB'.repeat(20)])],
    ['a 1-hour session', () => validateMaxSessionDuration(scope, kind, Duration.hours(1))],
    ['a 12-hour session', () => validateMaxSessionDuration(scope, kind, Duration.hours(12))],
  ])('%s', (_, check) => {
    expect(check).not.toThrow();
  });

  test.each([
    ['a 256-character issuer', () => validateIssuerUrl(scope, kind, `https://oidc.example.com/${'x'.repeat(231)}`)],
    ['a 513-character path', () => validateRolePath(scope, kind, `/${'p'.repeat(511)}/`)],
    ['an empty role name', () => validateRoleName(scope, kind, '')],
  ])('rejects %s, naming the construct', (_, check) => {
    expect(check).toThrow(/^Test 'Scope': /);
  });
});
