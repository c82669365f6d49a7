import { createLocalJWKSet, errors, jwtVerify } from 'jose';
import { LocalIssuer } from '../../lab/local-issuer';

describe('LocalIssuer', () => {
  const url = 'https://oidc.eks.eu-west-2.amazonaws.com/id/ABC';

  test('publishes an EKS-shaped discovery document and a public JWKS', async () => {
    const issuer = await LocalIssuer.create(url);
    expect(issuer.discoveryDocument).toMatchObject({ issuer: url, jwks_uri: `${url}/keys`, id_token_signing_alg_values_supported: ['RS256'] });
    expect(issuer.jwks.keys).toHaveLength(1);
    expect(issuer.jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(issuer.jwks.keys[0]).not.toHaveProperty('d');
  });

  test('forges tokens that look like its own but fail verification with its keys', async () => {
    const issuer = await LocalIssuer.create(url);
    const impostor = await LocalIssuer.create(url);
    const request = { namespace: 'testing', serviceAccountName: 'app', audience: 'sts.amazonaws.com' };
    const forged = await issuer.forgeToken(impostor, request);
    await expect(jwtVerify(forged, createLocalJWKSet(issuer.jwks))).rejects.toThrow(errors.JWSSignatureVerificationFailed);
    await expect(jwtVerify(await issuer.issueToken(request), createLocalJWKSet(issuer.jwks))).resolves.toBeDefined();
  });
});
