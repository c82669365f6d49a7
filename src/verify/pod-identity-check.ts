import { DeployedAccount, DeployedRole, PodIdentityAssociation } from './deployed-account';
import { evaluateIdentityPolicy } from './identity-policy';
import { evaluateChainedTrust, evaluatePodIdentityTrust, PodIdentityCaller } from './trust-evaluator';
import { refused, StsAnswer } from './web-identity-check';
import { POD_IDENTITY_SERVICE_PRINCIPAL } from '../private/irsa-constants';

/** The audience of the token the EKS Pod Identity Agent presents to EKS Auth: the service principal. */
export const POD_IDENTITY_AUDIENCE = POD_IDENTITY_SERVICE_PRINCIPAL;

/** Whose credentials the EKS Pod Identity Agent asks for: a pod of a ServiceAccount of a cluster. */
export interface PodIdentityRequest {
  readonly clusterName: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  /** @default - the ServiceAccount's name with `-0` */
  readonly podName?: string;
  /** @default - a fixed stand-in */
  readonly podUid?: string;
}

/** What EKS Auth would decide for one `AssumeRoleForPodIdentity` call, and why. */
export interface PodIdentityDecision {
  readonly allowed: boolean;
  /** The error code EKS Auth answers with, and a message (EKS Auth's messages are not published: these are ours). */
  readonly refusal?: StsAnswer;
  readonly explanation: string[];
  readonly association?: PodIdentityAssociation;
  /** The role whose credentials pods get: the association's target role when it names one. */
  readonly role?: DeployedRole;
  /** With a target role, the association's own role, which EKS assumes first. */
  readonly associationRole?: DeployedRole;
  /** The trust statement that allowed `sts:AssumeRole` (of the target role, when there is one). */
  readonly statement?: number;
}

/**
 * What EKS Auth does for `AssumeRoleForPodIdentity` once the pod's token checks out, against the resources of an
 * account: find the association of the cluster, namespace and ServiceAccount, then assume its role as
 * `pods.eks.amazonaws.com` with the six session tags, which needs `sts:AssumeRole` and `sts:TagSession` in the
 * role's trust. The error codes are those of the EKS Auth API. It decides; it never issues credentials.
 */
export class PodIdentityCheck {
  constructor(private readonly account: DeployedAccount) {}

  public check(request: PodIdentityRequest): PodIdentityDecision {
    const association = this.account.podIdentityAssociations.find(a =>
      a.clusterName === request.clusterName && a.namespace === request.namespace && a.serviceAccount === request.serviceAccount);
    if (!association) {
      const known = this.account.podIdentityAssociations.map(a => `${a.clusterName}/${a.namespace}/${a.serviceAccount}`).join(', ') || 'none';
      return refused('ResourceNotFoundException',
        `No Pod Identity association found for service account ${request.serviceAccount} in namespace ${request.namespace} of cluster ${request.clusterName}`,
        [`the account's associations are: ${known}`]);
    }
    const role = this.account.roles.find(r => r.arn === association.roleArn);
    if (!role) {
      return {
        ...refused('AccessDeniedException', `Pod Identity could not assume ${association.roleArn}`,
          [`there is no role ${association.roleArn} in the account`]),
        association,
      };
    }
    const trust = evaluatePodIdentityTrust(role.trustPolicy, podCaller(association, request), association.disableSessionTags);
    if (!trust.allowed) {
      return {
        ...refused('AccessDeniedException', `Pod Identity could not assume ${role.arn}: not authorized to perform sts:AssumeRole with session tags`,
          [...(association.disableSessionTags ? ['the association disables session tags, so EKS sends none'] : []), ...trust.reasons]),
        association,
        role,
      };
    }
    if (association.targetRoleArn === undefined) return { allowed: true, explanation: [], association, role, statement: trust.statement };
    return this.assumeTarget(association, role, request);
  }

  /**
   * The second assumption: the association role's session assumes the target role, which its identity policy must
   * allow (`sts:AssumeRole`, and `sts:TagSession` with tags) and the target's trust must allow for that role, with
   * the association's ExternalId and the transitive session tags.
   */
  private assumeTarget(association: PodIdentityAssociation, first: DeployedRole, request: PodIdentityRequest): PodIdentityDecision {
    const targetArn = association.targetRoleArn!;
    const denied = (why: string[], role?: DeployedRole) => ({
      ...refused('AccessDeniedException', `Pod Identity could not assume the target role ${targetArn} with ${first.arn}`, why),
      association,
      associationRole: first,
      role,
    });
    const target = this.account.roles.find(r => r.arn === targetArn);
    if (!target) return denied([`there is no role ${targetArn} in the templates, so its trust cannot be checked`]);
    const actions = association.disableSessionTags ? ['sts:AssumeRole'] : ['sts:AssumeRole', 'sts:TagSession'];
    for (const action of actions) {
      if (first.permissions === undefined) break;
      const permitted = evaluateIdentityPolicy(first.permissions, action, targetArn);
      if (!permitted.allowed) return denied([`${first.arn}: ${permitted.reason}`], target);
    }
    const tags = association.disableSessionTags ? undefined : podCaller(association, request);
    const trust = evaluateChainedTrust(target.trustPolicy, { roleArn: first.arn, externalId: association.externalId, tags });
    if (!trust.allowed) return denied(trust.reasons.map(r => `the target role's trust: ${r}`), target);
    return { allowed: true, explanation: [], association, associationRole: first, role: target, statement: trust.statement };
  }
}

/** The session tags EKS sets for a pod of the request's ServiceAccount, with stand-ins for the pod's name and UID. */
function podCaller(association: PodIdentityAssociation, request: PodIdentityRequest): PodIdentityCaller {
  return {
    clusterArn: association.clusterArn,
    clusterName: association.clusterName,
    namespace: request.namespace,
    serviceAccount: request.serviceAccount,
    podName: request.podName ?? `${request.serviceAccount}-0`,
    podUid: request.podUid ?? '00000000-0000-0000-0000-000000000000',
  };
}
