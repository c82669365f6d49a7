import { Duration } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  validateMetadataKey,
  validateNamespace,
  validateServiceAccountName,
  validateTokenExpiration,
} from '../../src/private/validate-kubernetes';

// The construct tests check each error message; these check that the Kubernetes limits themselves are accepted.
describe('Kubernetes limits accept values at their bounds', () => {
  const scope = new Construct(undefined as any, 'Scope');
  const kind = 'Test';

  test.each([
    ['a 63-character namespace', () => validateNamespace(scope, kind, 'n'.repeat(63))],
    ['a one-character namespace', () => validateNamespace(scope, kind, 'n')],
    ['a 253-character dotted name', () => validateServiceAccountName(scope, kind, `${'a'.repeat(125)}.${'b'.repeat(127)}`)],
    ['a 600-second token expiration', () => validateTokenExpiration(scope, kind, Duration.minutes(10))],
    ['a prefixed label key', () => validateMetadataKey(scope, kind, 'label', 'app.kubernetes.io/part-of')],
  ])('%s', (_, check) => {
    expect(check).not.toThrow();
  });

  test.each([
    ['a 599-second token expiration', () => validateTokenExpiration(scope, kind, Duration.seconds(599))],
    ['a fractional token expiration', () => validateTokenExpiration(scope, kind, Duration.millis(600_500))],
    ['an uppercase namespace', () => validateNamespace(scope, kind, 'Testing')],
    ['a label key with a 64-character name', () => validateMetadataKey(scope, kind, 'label', 'k'.repeat(64))],
  ])('rejects %s, naming the construct', (_, check) => {
    expect(check).toThrow(/^Test 'Scope': /);
  });
});
