import { randomUUID } from 'crypto';
import { createLocalJWKSet, errors as joseErrors, jwtVerify } from 'jose';
import { RoleSessions, RoleSession } from './role-sessions';
import { DeployedAccount, PodIdentityAssociation } from '../src/verify/deployed-account';
import { POD_IDENTITY_AUDIENCE, PodIdentityCheck } from '../src/verify/pod-identity-check';
import { ServiceAccountTokenClaims, serviceAccountOf } from '../src/verify/token-claims';
import { JwksSource } from '../src/verify/web-identity-check';

/** An error of the EKS Auth API, with its HTTP status, plus what we can tell beyond it. */
export class EksAuthError extends Error {
  constructor(public readonly code: string, message: string, public readonly httpStatus: number, public readonly explanation: string[] = []) {
    super(message);
    this.name = code;
  }
}

/** A cluster the lab runs: its name, and the issuer that signs its ServiceAccount tokens. */
export interface LabCluster {
  readonly name: string;
  readonly issuerUrl: string;
}

export interface AssumeRoleForPodIdentityResult extends RoleSession {
  readonly subject: { readonly namespace: string; readonly serviceAccount: string };
  readonly association: PodIdentityAssociation;
}

/** EKS Pod Identity sessions last six hours, as the agent caches them. */
const SESSION_SECONDS = 6 * 3600;
/** With a target role, the agent caches the credentials for 59 minutes (EKS User Guide, pod-id-assign-target-role); a chained session lasts one hour. */
const TARGET_SESSION_SECONDS = 3600;
/** The HTTP status of each EKS Auth error, from the API's model. */
const HTTP_STATUS: Record<string, number> = { ResourceNotFoundException: 404 };

/**
 * `AssumeRoleForPodIdentity` of EKS Auth for the lab: checks the pod's token as the cluster's (signature with the
 * cluster issuer's keys, `exp`, audience `pods.eks.amazonaws.com`), decides with `cdk-irsa verify`'s
 * `PodIdentityCheck` (the association, then the role's trust with the session tags, then for a target role the
 * role's permission and the target's trust with the ExternalId), and issues the role sessions.
 */
export class EksAuthEmulator {
  private readonly check: PodIdentityCheck;

  constructor(
    account: DeployedAccount,
    private readonly clusters: LabCluster[],
    private readonly keys: JwksSource,
    private readonly sessions: RoleSessions,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.check = new PodIdentityCheck(account);
  }

  public async assumeRoleForPodIdentity(clusterName: string, token: string): Promise<AssumeRoleForPodIdentityResult> {
    const cluster = this.clusters.find(c => c.name === clusterName);
    if (!cluster) throw new EksAuthError('ResourceNotFoundException', `No cluster found for name: ${clusterName}.`, 404);
    const claims = await this.verifiedClaims(cluster, token);
    const subject = serviceAccountOf(claims);
    if (!subject) throw new EksAuthError('InvalidTokenException', 'The service account token is not valid for this cluster.', 400, [`sub ${claims.sub} names no ServiceAccount`]);
    const { namespace, name: serviceAccount } = subject;
    const pod = claims['kubernetes.io']?.pod;
    const decision = this.check.check({ clusterName, namespace, serviceAccount, podName: pod?.name, podUid: pod?.uid });
    if (!decision.allowed) {
      const { code, message } = decision.refusal!;
      throw new EksAuthError(code, message, HTTP_STATUS[code] ?? 400, decision.explanation);
    }
    const sessionName = `eks-${clusterName}-${pod?.name ?? serviceAccount}-${randomUUID()}`.slice(0, 64);
    // With a target role, EKS assumes the association's role first and the target with that session's credentials;
    // the check decided both, and the pod gets the second session only.
    if (decision.associationRole) this.sessions.issue(decision.associationRole, sessionName, TARGET_SESSION_SECONDS);
    const seconds = decision.associationRole ? TARGET_SESSION_SECONDS : SESSION_SECONDS;
    const session = this.sessions.issue(decision.role!, sessionName, seconds);
    return { ...session, subject: { namespace, serviceAccount }, association: decision.association! };
  }

  private async verifiedClaims(cluster: LabCluster, token: string): Promise<ServiceAccountTokenClaims> {
    try {
      const { payload } = await jwtVerify(token, createLocalJWKSet(await this.keys.fetchJwks(cluster.issuerUrl)), {
        issuer: cluster.issuerUrl, audience: POD_IDENTITY_AUDIENCE, currentDate: this.now(),
      });
      return payload as ServiceAccountTokenClaims;
    } catch (e) {
      if (e instanceof joseErrors.JWTExpired) throw new EksAuthError('ExpiredTokenException', 'The service account token has expired.', 400);
      throw new EksAuthError('InvalidTokenException', 'The service account token is not valid for this cluster.', 400, [(e as Error).message]);
    }
  }
}
