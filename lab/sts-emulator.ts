import { createHash, randomBytes } from 'crypto';
import { DeployedAccount, DeployedRole } from '../src/verify/deployed-account';
import { JwksSource, WebIdentityCheck } from '../src/verify/web-identity-check';

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
/** STS answers a refused call with 403 when IAM said no, 400 when the request or the token is wrong. */
const HTTP_STATUS: Record<string, number> = { AccessDenied: 403 };

/**
 * STS for the lab: validates the request as STS does, decides with `cdk-irsa verify`'s `WebIdentityCheck`, and issues
 * throwaway credentials that `GetCallerIdentity` later recognizes. Nothing here is real AWS.
 */
export class StsEmulator {
  private readonly sessions = new Map<string, CallerIdentity>();
  private readonly check: WebIdentityCheck;

  constructor(
    private readonly account: DeployedAccount,
    keys: JwksSource | undefined,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.check = new WebIdentityCheck(account, keys, now);
  }

  public async assumeRoleWithWebIdentity(request: AssumeRoleWithWebIdentityRequest): Promise<AssumeRoleWithWebIdentityResult> {
    validateRequest(request);
    const decision = await this.check.checkToken(request.roleArn, request.webIdentityToken);
    if (!decision.allowed) {
      const { code, message } = decision.refusal!;
      throw new StsError(code, message, HTTP_STATUS[code] ?? 400, decision.explanation);
    }
    const role = decision.role!;
    const duration = request.durationSeconds ?? 3600;
    if (duration > role.maxSessionDurationSeconds) {
      throw new StsError('ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.', 400);
    }
    return this.issueCredentials(role, request.roleSessionName, duration, {
      sub: decision.subject!, audience: decision.audience!, issuer: decision.provider!.url, statement: decision.statement!,
    });
  }

  /** The identity behind credentials this emulator issued, or `undefined` for unknown keys. */
  public callerIdentity(accessKeyId: string): CallerIdentity | undefined {
    return this.sessions.get(accessKeyId);
  }

  private issueCredentials(role: DeployedRole, sessionName: string, durationSeconds: number,
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
