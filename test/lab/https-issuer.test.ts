import * as https from 'https';
import { serveIssuers, IssuerServer } from '../../lab/https-issuer';
import { LocalIssuer } from '../../lab/local-issuer';

describe('serveIssuers', () => {
  const url = 'https://oidc.eks.eu-west-2.amazonaws.com/id/ABC';
  let issuer: LocalIssuer;
  let server: IssuerServer;
  beforeAll(async () => {
    issuer = await LocalIssuer.create(url);
    server = await serveIssuers([issuer]);
  });
  afterAll(async () => {
    await server.close();
  });

  test('serves the JWKS that the discovery document points to, over TLS for the issuer\'s host', async () => {
    expect(await server.jwksSource.fetchJwks(url)).toEqual(issuer.jwks);
  });

  test('answers 404 for an issuer it does not serve', async () => {
    await expect(server.jwksSource.fetchJwks('https://oidc.eks.eu-west-2.amazonaws.com/id/OTHER'))
      .rejects.toThrow('GET https://oidc.eks.eu-west-2.amazonaws.com/id/OTHER/.well-known/openid-configuration answered 404');
  });

  test('presents a certificate that a client without its authority rejects', async () => {
    const error = await new Promise<Error>(resolve => {
      https.get({ host: '127.0.0.1', port: server.port, path: '/', servername: 'oidc.eks.eu-west-2.amazonaws.com' }, () => resolve(new Error('connected')))
        .on('error', resolve);
    });
    expect(error.message).toMatch(/self[- ]signed certificate/);
  });

  test('listens on loopback only', () => {
    expect(server.port).toBeGreaterThan(0);
  });
});
