import { createHash, randomBytes } from 'crypto';
import { DeployedAccount, DeployedRole } from '../src/verify/deployed-account';

export interface TemporaryCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
}

/** Who a set of issued credentials belongs to, for `GetCallerIdentity`. */
export interface CallerIdentity {
  readonly arn: string;
  readonly userId: string;
  readonly account: string;
}

/** A role session the lab handed out. */
export interface RoleSession {
  readonly credentials: TemporaryCredentials;
  readonly assumedRoleArn: string;
  readonly assumedRoleId: string;
}

/**
 * The role sessions of the lab's account, whoever issued them (the STS emulation for IRSA, the EKS Auth emulation for
 * Pod Identity), so that `GetCallerIdentity` recognizes credentials from either. Nothing here is real AWS.
 */
export class RoleSessions {
  private readonly sessions = new Map<string, CallerIdentity>();

  constructor(private readonly account: DeployedAccount, private readonly now: () => Date = () => new Date()) {}

  /** Throwaway credentials for a session of `role`, remembered for `GetCallerIdentity`. */
  public issue(role: DeployedRole, sessionName: string, durationSeconds: number): RoleSession {
    const accessKeyId = `ASIA${randomBytes(10).toString('hex').toUpperCase().slice(0, 16)}`;
    const roleId = `AROA${createHash('sha256').update(role.arn).digest('hex').toUpperCase().slice(0, 17)}`;
    // A role of another account (a Pod Identity target role) gets its sessions there.
    const account = role.arn.split(':')[4] || this.account.account;
    const assumedRoleArn = `arn:${this.account.partition}:sts::${account}:assumed-role/${role.name}/${sessionName}`;
    this.sessions.set(accessKeyId, { arn: assumedRoleArn, userId: `${roleId}:${sessionName}`, account });
    return {
      credentials: {
        accessKeyId,
        secretAccessKey: randomBytes(30).toString('base64'),
        sessionToken: randomBytes(96).toString('base64'),
        expiration: new Date(this.now().getTime() + durationSeconds * 1000),
      },
      assumedRoleArn,
      assumedRoleId: `${roleId}:${sessionName}`,
    };
  }

  /** The identity behind credentials the lab issued, or `undefined` for unknown keys. */
  public callerIdentity(accessKeyId: string): CallerIdentity | undefined {
    return this.sessions.get(accessKeyId);
  }
}
