import * as https from 'https';
import { JSONWebKeySet } from 'jose';
import { JwksSource } from '../../src/verify/web-identity-check';

const REQUEST_TIMEOUT_MS = 5000;

/**
 * The keys of a real kube-apiserver, fetched the way STS fetches an issuer's: anonymously, over verified TLS, the
 * discovery document at `/.well-known/openid-configuration` first (its `issuer` must equal the token's `iss`), then
 * its `jwks_uri`. The issuer's own host name cannot be reached here, so the discovery request goes to the API server,
 * which serves it for whatever `--service-account-issuer` says; the `jwks_uri` it names is the API server's. No media
 * type is asked for: the API server serves the JWKS as `application/jwk-set+json` only and answers 406 to
 * `Accept: application/json`.
 */
export function apiServerKeys(server: string, ca: Buffer): JwksSource {
  const getJson = (url: string) => getAnonymously(url, ca);
  return {
    async fetchJwks(issuerUrl: string): Promise<JSONWebKeySet> {
      const discovery = await getJson(`${server}/.well-known/openid-configuration`);
      if (discovery.issuer !== issuerUrl) {
        throw new Error(`the API server's discovery document names issuer ${discovery.issuer}, not ${issuerUrl}`);
      }
      return getJson(discovery.jwks_uri);
    },
  };
}

/** GETs `url` as an anonymous client trusting `ca`, and parses its JSON body. */
export function getAnonymously(url: string, ca: Buffer): Promise<any> {
  return new Promise<any>((resolve, reject) => {
    const request = https.get(url, { ca, timeout: REQUEST_TIMEOUT_MS, headers: { accept: '*/*' } }, response => {
      let data = '';
      response.on('data', chunk => (data += chunk));
      response.on('end', () => response.statusCode === 200
        ? resolve(JSON.parse(data))
        : reject(new Error(`GET ${url} answered ${response.statusCode}: ${data.trim()}`)));
    });
    request.on('timeout', () => request.destroy(new Error(`GET ${url} timed out`)));
    request.on('error', reject);
  });
}
