import * as iam from 'aws-cdk-lib/aws-iam';
import { requestTagKey } from './irsa-constants';

/*
 * The trust a Pod Identity target role gives one association, as the EKS User Guide's "Access AWS Resources using EKS
 * Pod Identity Target IAM Roles" (pod-id-assign-target-role) describes the second assumption: EKS assumes the target
 * role with the credentials of the association's role, passing the association's ExternalId and, unless the
 * association disables them, its session tags, which are transitive ("Cross-account tags" in pod-id-abac: "All of the
 * session tags that are added by EKS Pod Identity are transitive"). So the target can pin:
 * - the principal: exactly the association's role (its ARN, never the account root);
 * - the tags: cluster ARN, namespace and ServiceAccount, known at synth time in every layout;
 * - `sts:ExternalId`: the association's `ExternalId` attribute, where CloudFormation can hand it to the target's stack.
 */

/** The `sts:ExternalId` condition key. */
export const EXTERNAL_ID_KEY = 'sts:ExternalId';

/** One association whose pods may assume a target role. */
export interface TargetRoleSource {
  /** The association's role (in the cluster's account): the only principal the target trusts. */
  readonly roleArn: string;
  /** The cluster's ARN, namespace and ServiceAccount: the transitive session tags EKS passes. */
  readonly clusterArn: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  /** Whether the association passes session tags (`DisableSessionTags` unset or false). */
  readonly sessionTags: boolean;
  /** The association's ExternalId, when the target's stack can reference it. */
  readonly externalId?: string;
}

/**
 * The statements a target role needs for one association: `sts:AssumeRole` with every pin that reaches it, and
 * `sts:TagSession` for the same principal (with the tag pins when tags are passed). Two statements, because the
 * ExternalId is a parameter of `AssumeRole` only: the EKS User Guide's example keeps it off the `TagSession` statement.
 */
export function targetRoleTrustStatements(source: TargetRoleSource): iam.PolicyStatement[] {
  const principal = new iam.ArnPrincipal(source.roleArn);
  const tags: Record<string, string> = source.sessionTags ? {
    [requestTagKey('eks-cluster-arn')]: source.clusterArn,
    [requestTagKey('kubernetes-namespace')]: source.namespace,
    [requestTagKey('kubernetes-service-account')]: source.serviceAccount,
  } : {};
  const externalId: Record<string, string> = source.externalId !== undefined ? { [EXTERNAL_ID_KEY]: source.externalId } : {};
  const conditions = (pins: Record<string, string>) => (Object.keys(pins).length > 0 ? { StringEquals: pins } : undefined);
  return [
    new iam.PolicyStatement({ actions: ['sts:AssumeRole'], principals: [principal], conditions: conditions({ ...tags, ...externalId }) }),
    new iam.PolicyStatement({ actions: ['sts:TagSession'], principals: [principal], conditions: conditions(tags) }),
  ];
}
