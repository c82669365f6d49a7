import { createLocalJWKSet, errors as joseErrors, JSONWebKeySet, jwtVerify } from 'jose';
import { DeployedAccount, DeployedRole, OidcProvider } from './deployed-account';
import { audiencesOf, readTokenClaims, ServiceAccountTokenClaims } from './token-claims';
import { evaluateTrust } from './trust-evaluator';
import { ASSUME_ROLE_WITH_WEB_IDENTITY } from '../private/irsa-constants';
import { issuerOfUrl } from '../private/issuer';

/** Where STS gets an issuer's signing keys: its discovery document's `jwks_uri`. */
export interface JwksSource {
  /** The issuer's JWKS; throws when it cannot be fetched. */
  fetchJwks(issuerUrl: string): Promise<JSONWebKeySet>;
}

/** The `iss` of the long-lived tokens kube-controller-manager writes into `kubernetes.io/service-account-token` Secrets. */
const LEGACY_TOKEN_ISSUER = 'kubernetes/serviceaccount';
const LEGACY_TOKEN_EXPLANATION = [
  `this is a legacy ServiceAccount token from a kubernetes.io/service-account-token Secret: its iss is ${LEGACY_TOKEN_ISSUER}, not an https:// URL, ` +
    'so no IAM OIDC provider can vouch for it, and it has no aud and no exp',
  'IRSA uses the projected token the pod identity webhook mounts (the file in AWS_WEB_IDENTITY_TOKEN_FILE): iss the cluster\'s issuer, ' +
    'aud sts.amazonaws.com, and an exp',
];

/** The error STS answers with: its code and message, word for word. */
export interface StsAnswer {
  readonly code: string;
  readonly message: string;
}

/** What STS would decide for one `AssumeRoleWithWebIdentity` call, and why. */
export interface WebIdentityDecision {
  readonly allowed: boolean;
  /** What STS answers when it refuses. */
  readonly refusal?: StsAnswer;
  /** Why, in more detail than STS gives out: the failed check or condition. */
  readonly explanation: string[];
  /** The role, when the account has it. */
  readonly role?: DeployedRole;
  /** The provider that vouched for the token, once it was found. */
  readonly provider?: OidcProvider;
  /** The token's `sub`. */
  readonly subject?: string;
  /** The token's audience the provider accepted. */
  readonly audience?: string;
  /** The trust statement that allowed the call. */
  readonly statement?: number;
}

/**
 * What STS checks of `AssumeRoleWithWebIdentity` for an OIDC token, against the IAM resources of an account, in STS's
 * order and with STS's error codes and messages:
 * 1. an OIDC provider whose URL equals the token's `iss` exactly;
 * 2. the token's signature, with the keys the issuer publishes (when they are given), and its `exp`/`nbf`;
 * 3. the token's `aud`, which must be one of the provider's client IDs;
 * 4. the role's trust policy, evaluated with `<issuer>:sub` and `<issuer>:aud` for the provider as principal.
 * It decides; it never issues credentials.
 */
export class WebIdentityCheck {
  constructor(
    private readonly account: DeployedAccount,
    /** The issuers' keys; without them signatures are not checked (only `exp` and `nbf`). */
    private readonly keys?: JwksSource,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Checks a signed token, as STS receives it from a pod. */
  public async checkToken(roleArn: string, token: string): Promise<WebIdentityDecision> {
    let claims: ServiceAccountTokenClaims;
    try {
      claims = readTokenClaims(token, 'the web identity token');
    } catch {
      return refused('InvalidIdentityToken', 'Couldn\'t parse the web identity token', ['the token is not a JWT']);
    }
    const provider = this.providerFor(claims);
    if (!provider) return this.noProvider(claims);
    const signature = await this.checkSignature(token, provider, claims);
    return signature ?? this.checkClaimsOf(roleArn, claims, provider);
  }

  /** Checks the claims a token would carry, as if its signature were good: what `verify --namespace` asks. */
  public checkClaims(roleArn: string, claims: ServiceAccountTokenClaims): WebIdentityDecision {
    const provider = this.providerFor(claims);
    return provider ? this.checkClaimsOf(roleArn, claims, provider) : this.noProvider(claims);
  }

  private providerFor(claims: ServiceAccountTokenClaims): OidcProvider | undefined {
    return this.account.providers.find(p => p.url === String(claims.iss ?? ''));
  }

  private noProvider(claims: ServiceAccountTokenClaims): WebIdentityDecision {
    const issuer = String(claims.iss ?? '');
    return refused('InvalidIdentityToken', `No OpenIDConnect provider found in your account for ${issuer}`, [
      `the account has providers for: ${this.account.providers.map(p => p.url).join(', ') || 'none'}`,
      ...(issuer === LEGACY_TOKEN_ISSUER ? LEGACY_TOKEN_EXPLANATION : []),
    ]);
  }

  private checkClaimsOf(roleArn: string, claims: ServiceAccountTokenClaims, provider: OidcProvider): WebIdentityDecision {
    const lifetime = this.checkLifetime(claims);
    if (lifetime) return lifetime;
    const audience = audiencesOf(claims).find(a => provider.clientIds.includes(a));
    if (audience === undefined) {
      return refused('InvalidIdentityToken', 'Incorrect token audience',
        [`the token's aud is ${audiencesOf(claims).join(', ') || 'missing'}; provider ${provider.arn} accepts ${provider.clientIds.join(', ')}`]);
    }
    const subject = String(claims.sub ?? '');
    const role = this.account.roles.find(r => r.arn === roleArn);
    if (!role) return { ...denied([`there is no role ${roleArn} in the account`]), provider, subject, audience };
    const trust = evaluateTrust(role.trustPolicy, { providerArn: provider.arn, issuer: issuerOfUrl(provider.url), sub: subject, aud: audience });
    if (!trust.allowed) return { ...denied(trust.reasons), role, provider, subject, audience };
    return { allowed: true, explanation: [], role, provider, subject, audience, statement: trust.statement };
  }

  /** The refusal for a bad signature, or undefined when the signature is good (or not checked). */
  private async checkSignature(token: string, provider: OidcProvider, claims: ServiceAccountTokenClaims): Promise<WebIdentityDecision | undefined> {
    if (this.keys === undefined) return undefined;
    let jwks: JSONWebKeySet;
    try {
      jwks = await this.keys.fetchJwks(provider.url);
    } catch (e) {
      return refused('InvalidIdentityToken',
        'Couldn\'t retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements',
        [`fetching the keys of ${provider.url} failed: ${(e as Error).message}`]);
    }
    try {
      await jwtVerify(token, createLocalJWKSet(jwks), { currentDate: this.now(), algorithms: ['RS256', 'RS384', 'RS512', 'ES256', 'ES384'] });
      return undefined;
    } catch (e) {
      if (e instanceof joseErrors.JWTExpired || e instanceof joseErrors.JWTClaimValidationFailed) {
        return this.checkLifetime(claims) ?? refused('InvalidIdentityToken', 'The web identity token has an invalid claim', [(e as Error).message]);
      }
      return refused('InvalidIdentityToken', 'The signature of the web identity token could not be verified',
        [`no key published by ${provider.url} verifies the token's signature (${(e as Error).message})`]);
    }
  }

  /** `exp` and `nbf`, in seconds since the epoch, against the clock. */
  private checkLifetime(claims: ServiceAccountTokenClaims): WebIdentityDecision | undefined {
    const now = Math.floor(this.now().getTime() / 1000);
    if (claims.exp !== undefined && now >= claims.exp) {
      // STS's wording (older STS versions ran the last word and number together).
      return refused('ExpiredTokenException', `Token expired: current date/time ${now} must be before the expiration date/time ${claims.exp}`,
        [`the token expired at ${new Date(claims.exp * 1000).toISOString()}`]);
    }
    if (claims.nbf !== undefined && now < claims.nbf) {
      return refused('InvalidIdentityToken', 'The web identity token is not valid yet', [`the token is valid from ${new Date(claims.nbf * 1000).toISOString()}`]);
    }
    return undefined;
  }
}

/** A refusal with the service's code and message, and why in more detail; STS and EKS Auth decisions share its shape. */
export function refused(code: string, message: string, explanation: string[]): { allowed: false; refusal: StsAnswer; explanation: string[] } {
  return { allowed: false, refusal: { code, message }, explanation };
}

function denied(explanation: string[]): WebIdentityDecision {
  return refused('AccessDenied', `Not authorized to perform ${ASSUME_ROLE_WITH_WEB_IDENTITY}`, explanation);
}
