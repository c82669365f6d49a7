import { Duration } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  validateClientIds,
  validateIssuerUrl,
  validateMaxSessionDuration,
  validateMetadataKey,
  validateNamespace,
  validateRoleName,
  validateRolePath,
  validateServiceAccountName,
  validateThumbprints,
  validateTokenExpiration,
} from '../../src/private/limits';

// The construct tests check each error message; these check that the limits themselves are accepted.
describe('limits accept values at their bounds', () => {
  const scope = new Construct(undefined as any, 'Scope');
  const kind = 'Test';

  test.each([
    ['a 63-character namespace', () => validateNamespace(scope, kind, 'n'.repeat(63))],
    ['a one-character namespace', () => validateNamespace(scope, kind, 'n')],
    ['a 253-character dotted name', () => validateServiceAccountName(scope, kind, `${'a'.repeat(125)}.${'b'.repeat(127)}`)],
    ['a 64-character role name with every allowed symbol', () => validateRoleName(scope, kind, `${'r'.repeat(57)}+=,.@_-`)],
    ['the root path', () => validateRolePath(scope, kind, '/')],
    ['a 512-character path', () => validateRolePath(scope, kind, `/${'p'.repeat(510)}/`)],
    ['a nested path', () => validateRolePath(scope, kind, '/team/irsa/')],
    ['a 255-character issuer with a path', () => validateIssuerUrl(scope, kind, `https://oidc.example.com/${'x'.repeat(230)}`)],
    ['100 client IDs of 255 characters', () => validateClientIds(scope, kind, Array.from({ length: 100 }, (_, i) => `${i}`.padEnd(255, 'x')))],
    ['no thumbprints', () => validateThumbprints(scope, kind, [])],
    ['5 upper- and lowercase thumbprints', () => validateThumbprints(scope, kind, ['A'.repeat(40), 'f'.repeat(40), '0'.repeat(40), '9'.repeat(40), 'aB'.repeat(20)])],
    ['a 600-second token expiration', () => validateTokenExpiration(scope, kind, Duration.minutes(10))],
    ['a 1-hour session', () => validateMaxSessionDuration(scope, kind, Duration.hours(1))],
    ['a 12-hour session', () => validateMaxSessionDuration(scope, kind, Duration.hours(12))],
    ['a prefixed label key', () => validateMetadataKey(scope, kind, 'label', 'app.kubernetes.io/part-of')],
  ])('%s', (_, check) => {
    expect(check).not.toThrow();
  });

  test.each([
    ['a 599-second token expiration', () => validateTokenExpiration(scope, kind, Duration.seconds(599))],
    ['a fractional token expiration', () => validateTokenExpiration(scope, kind, Duration.millis(600_500))],
    ['a 256-character issuer', () => validateIssuerUrl(scope, kind, `https://oidc.example.com/${'x'.repeat(231)}`)],
    ['a 513-character path', () => validateRolePath(scope, kind, `/${'p'.repeat(511)}/`)],
    ['an empty role name', () => validateRoleName(scope, kind, '')],
    ['an uppercase namespace', () => validateNamespace(scope, kind, 'Testing')],
    ['a label key with a 64-character name', () => validateMetadataKey(scope, kind, 'label', 'k'.repeat(64))],
  ])('rejects %s, naming the construct', (_, check) => {
    expect(check).toThrow(/^Test 'Scope': /);
  });
});
