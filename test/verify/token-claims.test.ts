import { InputError } from '../../src/verify/cloud-assembly';
import { audiencesOf, readTokenClaims, serviceAccountOf } from '../../src/verify/token-claims';

describe('token claims', () => {
  test('are read from a JWT without checking it', () => {
    // GIVEN a token whose payload is {"iss":"https://issuer","sub":"system:serviceaccount:testing:app"}, unsigned
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const token = `${part({ alg: 'RS256' })}.${part({ iss: 'https://issuer', sub: 'system:serviceaccount:testing:app' })}.c2ln`;

    // THEN
    expect(readTokenClaims(`${token}\n`, 'token.txt')).toEqual({ iss: 'https://issuer', sub: 'system:serviceaccount:testing:app' });
  });

  test('are unreadable when the token is not a JWT, with a clear message', () => {
    expect(() => readTokenClaims('not-a-token', 'token.txt')).toThrow(InputError);
    expect(() => readTokenClaims('not-a-token', 'token.txt')).toThrow(new Error('token.txt is not a JWT (Invalid JWT). A ServiceAccount token ' +
      'is three base64url parts separated by dots; in a pod it is the file named by AWS_WEB_IDENTITY_TOKEN_FILE.'));
  });

  test('may carry one audience or several', () => {
    expect(audiencesOf({ aud: 'a' })).toEqual(['a']);
    expect(audiencesOf({ aud: ['a', 'b'] })).toEqual(['a', 'b']);
    expect(audiencesOf({})).toEqual([]);
  });

  test.each([
    ['system:serviceaccount:testing:app', { namespace: 'testing', name: 'app' }],
    ['system:node:ip-10-0-0-1', undefined],
    ['system:serviceaccount:testing', undefined],
    ['system:serviceaccount:testing:app:extra', undefined],
    [undefined, undefined],
  ])('name a ServiceAccount in their sub %s, or none', (sub, expected) => {
    expect(serviceAccountOf({ sub })).toEqual(expected);
  });
});
