import { PublishedKey } from './service-account-keys';

/*
 * The two documents STS fetches from an issuer, shaped as kube-apiserver serves them itself (its
 * pkg/serviceaccount/openidmetadata.go), so that a relying party sees the same thing at the published URL as at the
 * API server's /.well-known/openid-configuration and /openid/v1/jwks.
 */

/** Where the discovery document is, under the issuer. */
export const DISCOVERY_PATH = '/.well-known/openid-configuration';
/** Where the JWKS is, under the issuer: the API server's own path, so a copy of its documents can be served as is. */
export const JWKS_PATH = '/openid/v1/jwks';

/** The discovery document of `issuerUrl` (which may be a token: the document is then one too). */
export function discoveryDocumentOf(issuerUrl: string, jwksUri: string, keys: PublishedKey[]): string {
  return JSON.stringify({
    issuer: issuerUrl,
    jwks_uri: jwksUri,
    response_types_supported: ['id_token'],
    subject_types_supported: ['public'],
    // The API server lists each algorithm its keys sign with once, in order.
    id_token_signing_alg_values_supported: [...new Set(keys.map(key => key.alg))].sort(),
  });
}

/** The JWKS: one entry per key. */
export function jwksOf(keys: PublishedKey[]): string {
  return JSON.stringify({ keys: keys.map(key => key.jwk) });
}
