import { createHash, randomBytes } from 'crypto';
import { createLocalJWKSet, errors as joseErrors, JSONWebKeySet, jwtVerify } from 'jose';
import { IrsaAccount, OidcProvider, Role } from './irsa-account';
import { audiencesOf, readTokenClaims } from './service-account-token';
import { evaluateTrust, TrustDecision } from './trust-evaluator';

/** Where STS gets an issuer's signing keys: its discovery document's `jwks_uri`. */
export interface JwksSource {
  /** The issuer's JWKS; throws when it cannot be fetched. */
  fetchJwks(issuerUrl: string): Promise<JSONWebKeySet>;
}

/** An error STS returns, with its code, message and HTTP status, plus what we can tell beyond STS. */
export class StsError extends Error {
  constructor(
    public readonly code: string,
    message: string,
    public readonly httpStatus: number,
    /** Why, in more detail than STS gives out: the failed check or condition. */
    public readonly explanation: string[] = [],
  ) {
    super(message);
    this.name = code;
  }
}

export interface AssumeRoleWithWebIdentityRequest {
  readonly roleArn: string;
  readonly roleSessionName: string;
  readonly webIdentityToken: string;
  readonly durationSeconds?: number;
}

export interface TemporaryCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
}

export interface AssumeRoleWithWebIdentityResult {
  readonly credentials: TemporaryCredentials;
  readonly assumedRoleArn: string;
  readonly assumedRoleId: string;
  readonly subjectFromWebIdentityToken: string;
  readonly audience: string;
  readonly provider: string;
  /** The role's trust statement that allowed the call. */
  readonly statement: number;
}

/** Who a set of issued credentials belongs to, for `GetCallerIdentity`. */
export interface CallerIdentity {
  readonly arn: string;
  readonly userId: string;
  readonly account: string;
}

const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const ROLE_ARN = /^arn:[a-z-]+:iam::\d{12}:role\/.+$/;

/**
 * `AssumeRoleWithWebIdentity` as STS performs it for an OIDC token, against the IAM resources of an account:
 * 1. an OIDC provider whose URL equals the token's `iss` exactly;
 * 2. the token's signature, checked with the keys the issuer publishes, and its `exp`/`nbf`;
 * 3. the token's `aud`, which must be one of the provider's client IDs;
 * 4. the role's trust policy, evaluated with `<issuer>:sub` and `<issuer>:aud` for the provider as principal.
 * Error codes and messages are STS's own, so a caller sees what a pod would see.
 */
export class StsWebIdentity {
  private readonly sessions = new Map<string, CallerIdentity>();

  constructor(
    private readonly account: IrsaAccount,
    /** The issuers' keys; without them signatures are not checked (only `exp` and `nbf`). */
    private readonly keys: JwksSource | undefined,
    private readonly now: () => Date = () => new Date(),
  ) {}

  public async assumeRoleWithWebIdentity(request: AssumeRoleWithWebIdentityRequest): Promise<AssumeRoleWithWebIdentityResult> {
    validateRequest(request);
    const claims = (() => {
      try {
        return readTokenClaims(request.webIdentityToken, 'the web identity token');
      } catch {
        throw new StsError('InvalidIdentityToken', 'Couldn\'t parse the web identity token', 400, ['the token is not a JWT']);
      }
    })();
    const issuer = String(claims.iss ?? '');

    const provider = this.account.providers.find(p => p.url === issuer);
    if (!provider) {
      throw new StsError('InvalidIdentityToken', `No OpenIDConnect provider found in your account for ${issuer}`, 400,
        [`the account has providers for: ${this.account.providers.map(p => p.url).join(', ') || 'none'}`]);
    }

    await this.verifySignature(request.webIdentityToken, provider);

    const audience = audiencesOf(claims).find(a => provider.clientIds.includes(a));
    if (audience === undefined) {
      throw new StsError('InvalidIdentityToken', 'Incorrect token audience', 400,
        [`the token's aud is ${audiencesOf(claims).join(', ') || 'missing'}; provider ${provider.arn} accepts ${provider.clientIds.join(', ')}`]);
    }

    const sub = String(claims.sub ?? '');
    const role = this.account.roles.find(r => r.arn === request.roleArn);
    const decision: TrustDecision = role
      ? evaluateTrust(role.trustPolicy, { providerArn: provider.arn, issuer: issuer.replace(/^https:\/\//, ''), sub, aud: audience })
      : { allowed: false, deniedExplicitly: false, reasons: [`there is no role ${request.roleArn} in the account`] };
    if (!role || !decision.allowed) {
      throw new StsError('AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity', 403, decision.reasons);
    }

    const duration = request.durationSeconds ?? 3600;
    if (duration > role.maxSessionDurationSeconds) {
      throw new StsError('ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.', 400);
    }
    return this.issueCredentials(role, request.roleSessionName, duration, { sub, audience, issuer, statement: decision.statement! });
  }

  /** The identity behind credentials this emulator issued, or `undefined` for unknown keys. */
  public callerIdentity(accessKeyId: string): CallerIdentity | undefined {
    return this.sessions.get(accessKeyId);
  }

  private async verifySignature(token: string, provider: OidcProvider): Promise<void> {
    if (this.keys === undefined) {
      this.checkLifetime(readTokenClaims(token, 'the web identity token'));
      return;
    }
    let jwks: JSONWebKeySet;
    try {
      jwks = await this.keys.fetchJwks(provider.url);
    } catch (e) {
      throw new StsError('InvalidIdentityToken',
        'Couldn\'t retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements',
        400, [`fetching the keys of ${provider.url} failed: ${(e as Error).message}`]);
    }
    try {
      await jwtVerify(token, createLocalJWKSet(jwks), { currentDate: this.now(), algorithms: ['RS256', 'RS384', 'RS512', 'ES256', 'ES384'] });
    } catch (e) {
      if (e instanceof joseErrors.JWTExpired || e instanceof joseErrors.JWTClaimValidationFailed) {
        this.checkLifetime(readTokenClaims(token, 'the web identity token'));
        throw new StsError('InvalidIdentityToken', 'The web identity token has an invalid claim', 400, [(e as Error).message]);
      }
      throw new StsError('InvalidIdentityToken', 'The signature of the web identity token could not be verified', 400,
        [`no key published by ${provider.url} verifies the token's signature (${(e as Error).message})`]);
    }
  }

  /** `exp` and `nbf`, in seconds since the epoch, against the emulator's clock. */
  private checkLifetime(claims: { exp?: number; nbf?: number }): void {
    const now = Math.floor(this.now().getTime() / 1000);
    if (claims.exp !== undefined && now >= claims.exp) {
      // STS's wording (older STS versions ran the last word and number together).
      throw new StsError('ExpiredTokenException',
        `Token expired: current date/time ${now} must be before the expiration date/time ${claims.exp}`, 400,
        [`the token expired at ${new Date(claims.exp * 1000).toISOString()}`]);
    }
    if (claims.nbf !== undefined && now < claims.nbf) {
      throw new StsError('InvalidIdentityToken', 'The web identity token is not valid yet', 400,
        [`the token is valid from ${new Date(claims.nbf * 1000).toISOString()}`]);
    }
  }

  private issueCredentials(role: Role, sessionName: string, durationSeconds: number,
    token: { sub: string; audience: string; issuer: string; statement: number }): AssumeRoleWithWebIdentityResult {
    const accessKeyId = `ASIA${randomBytes(10).toString('hex').toUpperCase().slice(0, 16)}`;
    const roleId = `AROA${createHash('sha256').update(role.arn).digest('hex').toUpperCase().slice(0, 17)}`;
    const assumedRoleArn = `arn:${this.account.partition}:sts::${this.account.account}:assumed-role/${role.name}/${sessionName}`;
    this.sessions.set(accessKeyId, { arn: assumedRoleArn, userId: `${roleId}:${sessionName}`, account: this.account.account });
    return {
      credentials: {
        accessKeyId,
        secretAccessKey: randomBytes(30).toString('base64'),
        sessionToken: randomBytes(96).toString('base64'),
        expiration: new Date(this.now().getTime() + durationSeconds * 1000),
      },
      assumedRoleArn,
      assumedRoleId: `${roleId}:${sessionName}`,
      subjectFromWebIdentityToken: token.sub,
      audience: token.audience,
      provider: token.issuer,
      statement: token.statement,
    };
  }
}

function validateRequest(request: AssumeRoleWithWebIdentityRequest): void {
  if (!ROLE_ARN.test(request.roleArn ?? '')) {
    throw new StsError('ValidationError', 'Request ARN is invalid', 400);
  }
  if (!SESSION_NAME.test(request.roleSessionName ?? '')) {
    throw new StsError('ValidationError',
      `1 validation error detected: Value '${request.roleSessionName}' at 'roleSessionName' failed to satisfy constraint: ` +
      'Member must satisfy regular expression pattern: [\\w+=,.@-]*', 400);
  }
  const duration = request.durationSeconds;
  if (duration !== undefined && (duration < 900 || duration > 43200)) {
    throw new StsError('ValidationError',
      `1 validation error detected: Value '${duration}' at 'durationSeconds' failed to satisfy constraint: ` +
      'Member must have value between 900 and 43200', 400);
  }
}
