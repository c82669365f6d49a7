import * as https from 'https';
import { AddressInfo } from 'net';
import { generate } from 'selfsigned';
import { LocalIssuer } from './local-issuer';
import { JwksSource } from '../src/verify/web-identity-check';

/** OIDC issuers served over HTTPS on loopback, under their own host names. */
export interface IssuerServer {
  readonly port: number;
  /** Fetches keys the way STS does: discovery document first, then its `jwks_uri`, over verified TLS. */
  readonly jwksSource: JwksSource;
  close(): Promise<void>;
}

const REQUEST_TIMEOUT_MS = 5000;

/**
 * Serves each issuer's `/.well-known/openid-configuration` and JWKS exactly where an EKS (or self-hosted S3)
 * issuer serves them, behind a certificate for the issuers' host names. Requests are routed to 127.0.0.1
 * instead of the host's real address: everything else about the fetch (SNI, certificate check, paths) is real.
 */
export async function serveIssuers(issuers: LocalIssuer[]): Promise<IssuerServer> {
  return serveDocuments(new Map(issuers.flatMap(issuer => [
    [`${issuer.url}/.well-known/openid-configuration`, JSON.stringify(issuer.discoveryDocument)],
    [`${issuer.url}/keys`, JSON.stringify(issuer.jwks)],
  ])));
}

/**
 * Serves `documents` (each URL's body, as `application/json`) over HTTPS on loopback, behind a certificate for the
 * URLs' host names; any other URL answers 404.
 */
export async function serveDocuments(documents: ReadonlyMap<string, string>): Promise<IssuerServer> {
  const hosts = [...new Set([...documents.keys()].map(url => new URL(url).hostname))];
  const pems = await generate([{ name: 'commonName', value: hosts[0] }], {
    keySize: 2048,
    notAfterDate: new Date(Date.now() + 24 * 3600 * 1000),
    extensions: [{ name: 'subjectAltName', altNames: hosts.map(value => ({ type: 2 as const, value })) }],
  });

  const server = https.createServer({ key: pems.private, cert: pems.cert }, (req, res) => {
    const body = documents.get(`https://${req.headers.host}${req.url}`);
    res.writeHead(body !== undefined ? 200 : 404, { 'content-type': 'application/json' });
    res.end(body ?? JSON.stringify({ error: 'not found' }));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const getJson = (url: string) => new Promise<any>((resolve, reject) => {
    const target = new URL(url);
    const request = https.get({
      host: '127.0.0.1',
      port,
      path: `${target.pathname}${target.search}`,
      servername: target.hostname,
      headers: { host: target.hostname },
      ca: pems.cert,
      timeout: REQUEST_TIMEOUT_MS,
    }, response => {
      let data = '';
      response.on('data', chunk => (data += chunk));
      response.on('end', () => response.statusCode === 200
        ? resolve(JSON.parse(data))
        : reject(new Error(`GET ${url} answered ${response.statusCode}`)));
    });
    request.on('timeout', () => request.destroy(new Error(`GET ${url} timed out`)));
    request.on('error', reject);
  });

  return {
    port,
    jwksSource: {
      async fetchJwks(issuerUrl: string) {
        const discovery = await getJson(`${issuerUrl}/.well-known/openid-configuration`);
        if (discovery.issuer !== issuerUrl) {
          throw new Error(`the discovery document names issuer ${discovery.issuer}, not ${issuerUrl}`);
        }
        return getJson(discovery.jwks_uri);
      },
    },
    close: () => new Promise<void>(resolve => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
