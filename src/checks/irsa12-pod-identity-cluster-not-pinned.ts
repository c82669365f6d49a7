import { pinsRequestTag } from './pod-identity-tags';
import { TrustRule, warning } from './trust-rule';
import { POD_IDENTITY_SERVICE_PRINCIPAL, requestTagKey } from '../private/irsa-constants';

/** IRSA12: without a cluster condition, the same namespace and ServiceAccount in another cluster of the account can use the role. */
export const IRSA12: TrustRule = {
  id: 'IRSA12',
  level: 'warning',
  summary: `a statement for \`${POD_IDENTITY_SERVICE_PRINCIPAL}\` without an exact condition on \`${requestTagKey('eks-cluster-arn')}\`: ` +
    'the same namespace and ServiceAccount in another cluster of the account can use the role',
  fix: `Add \`"StringEquals": { "${requestTagKey('eks-cluster-arn')}": "<cluster ARN>" }\` (the ARN also names the account).`,
  checkPodIdentity: statement => {
    if (statement.deployTimeConditions.length > 0 || pinsRequestTag(statement, 'eks-cluster-arn', 'eks-cluster-name')) return [];
    return [warning(IRSA12, `${statement.where} lets ${POD_IDENTITY_SERVICE_PRINCIPAL} assume the role without a StringEquals ` +
      `condition on "${requestTagKey('eks-cluster-arn')}", so an association for the same namespace and ServiceAccount in any ` +
      `cluster of the account can use it. Add "StringEquals": { "${requestTagKey('eks-cluster-arn')}": "<cluster ARN>" }.`)];
  },
};
