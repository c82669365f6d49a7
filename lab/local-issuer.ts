import { calculateJwkThumbprint, exportJWK, generateKeyPair, JSONWebKeySet, KeyLike } from 'jose';
import { ServiceAccountTokenRequest, signServiceAccountToken } from './service-account-token';

/**
 * A ServiceAccount token issuer that lives in memory: an RSA key pair, the OIDC discovery document and JWKS
 * an EKS issuer publishes, and tokens signed the way the Kubernetes API server signs them. It can claim any
 * issuer URL, so it can stand in for a real cluster's issuer (or for an impostor).
 */
export class LocalIssuer {
  /** Creates an issuer for `url` with a fresh 2048-bit RSA key. */
  public static async create(url: string): Promise<LocalIssuer> {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048 });
    const jwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(jwk);
    return new LocalIssuer(url, privateKey, { keys: [{ ...jwk, kid, alg: 'RS256', use: 'sig' }] }, kid);
  }

  private constructor(
    /** The issuer URL, as tokens' `iss` and the discovery document spell it. */
    public readonly url: string,
    private readonly privateKey: KeyLike,
    /** The public keys, as served at `jwks_uri`. */
    public readonly jwks: JSONWebKeySet,
    private readonly kid: string,
  ) {}

  /** The document served at `<url>/.well-known/openid-configuration`, shaped like EKS's. */
  public get discoveryDocument(): Record<string, unknown> {
    return {
      issuer: this.url,
      jwks_uri: `${this.url}/keys`,
      authorization_endpoint: 'urn:kubernetes:programmatic_authorization',
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      claims_supported: ['sub', 'iss'],
      id_token_signing_alg_values_supported: ['RS256'],
    };
  }

  /** A projected ServiceAccount token from this issuer. */
  public async issueToken(request: Omit<ServiceAccountTokenRequest, 'issuerUrl'>): Promise<string> {
    return signServiceAccountToken({ ...request, issuerUrl: this.url }, this.privateKey, this.kid);
  }

  /**
   * A token that claims to come from this issuer (same `iss` and key id) but is signed with `impostor`'s key:
   * what an attacker without the cluster's signing key could produce.
   */
  public async forgeToken(impostor: LocalIssuer, request: Omit<ServiceAccountTokenRequest, 'issuerUrl'>): Promise<string> {
    return signServiceAccountToken({ ...request, issuerUrl: this.url }, impostor.privateKey, this.kid);
  }
}
