import { createLocalJWKSet, jwtVerify } from 'jose';
import { LocalIssuer } from '../../lab/local-issuer';
import { readTokenClaims } from '../../src/verify/token-claims';

describe('signServiceAccountToken', () => {
  test('signs the claims of a projected token, RS256 with the issuer\'s key id', async () => {
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
});
