import { createLocalJWKSet, jwtVerify } from 'jose';
import { InputError } from '../../src/verify/cloud-assembly';
import { LocalIssuer } from '../../src/verify/local-issuer';
import { audiencesOf, readTokenClaims } from '../../src/verify/service-account-token';

describe('ServiceAccount tokens', () => {
  test('carry the claims of a projected token, signed RS256 with the issuer\'s key id', async () => {
    // GIVEN
    const issuer = await LocalIssuer.create('https://oidc.eks.eu-west-2.amazonaws.com/id/ABC');
    const issuedAt = new Date('2026-11-29T10:00:00Z');

    // WHEN
    const token = await issuer.issueToken({ namespace: 'testing', serviceAccountName: 'app', audience: 'sts.amazonaws.com', issuedAt, expiresInSeconds: 600 });

    // THEN
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(issuer.jwks), { currentDate: issuedAt });
    expect(protectedHeader).toEqual({ alg: 'RS256', kid: issuer.jwks.keys[0].kid });
    expect(payload).toMatchObject({
      'iss': 'https://oidc.eks.eu-west-2.amazonaws.com/id/ABC',
      'sub': 'system:serviceaccount:testing:app',
      'aud': ['sts.amazonaws.com'],
      'iat': issuedAt.getTime() / 1000,
      'nbf': issuedAt.getTime() / 1000,
      'exp': issuedAt.getTime() / 1000 + 600,
      'kubernetes.io': { namespace: 'testing', pod: { name: 'app-0' }, serviceaccount: { name: 'app' } },
    });
    expect(readTokenClaims(token, 'x').sub).toBe('system:serviceaccount:testing:app');
  });

  test('are unreadable when they are not JWTs, with a clear message', () => {
    expect(() => readTokenClaims('not-a-token', 'token.txt')).toThrow(InputError);
    expect(() => readTokenClaims('not-a-token', 'token.txt')).toThrow('token.txt is not a JWT');
  });

  test('may carry one audience or several', () => {
    expect(audiencesOf({ aud: 'a' })).toEqual(['a']);
    expect(audiencesOf({ aud: ['a', 'b'] })).toEqual(['a', 'b']);
    expect(audiencesOf({})).toEqual([]);
  });
});
