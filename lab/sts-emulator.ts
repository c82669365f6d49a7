import { RoleSessions, TemporaryCredentials } from './role-sessions';
import { DeployedAccount } from '../src/verify/deployed-account';
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

const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const ROLE_ARN = /^arn:[a-z-]+:iam::\d{12}:role\/.+$/;
/** STS answers a refused call with 403 when IAM said no, 400 when the request or the token is wrong. */
const HTTP_STATUS: Record<string, number> = { AccessDenied: 403 };

/**
 * STS for the lab: validates the request as STS does, decides with `cdk-irsa verify`'s `WebIdentityCheck`, and issues
 * throwaway credentials that `GetCallerIdentity` later recognizes. Nothing here is real AWS.
 */
export class StsEmulator {
  private readonly check: WebIdentityCheck;

  constructor(
    account: DeployedAccount,
    keys: JwksSource | undefined,
    now: () => Date = () => new Date(),
    /** Where sessions are kept; shared with the EKS Auth emulation in the lab. */
    public readonly sessions: RoleSessions = new RoleSessions(account, now),
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
    return {
      ...this.sessions.issue(role, request.roleSessionName, duration),
      subjectFromWebIdentityToken: decision.subject!,
      audience: decision.audience!,
      provider: decision.provider!.url,
      statement: decision.statement!,
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
