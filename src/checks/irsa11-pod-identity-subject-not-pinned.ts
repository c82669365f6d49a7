import { pinsRequestTag } from './pod-identity-tags';
import { error, TrustRule } from './trust-rule';
import { POD_IDENTITY_SERVICE_PRINCIPAL, requestTagKey } from '../private/irsa-constants';

/** IRSA11: without exact namespace and ServiceAccount conditions, any association in the account can hand the role out. */
export const IRSA11: TrustRule = {
  id: 'IRSA11',
  level: 'error',
  summary: `a statement for \`${POD_IDENTITY_SERVICE_PRINCIPAL}\` without exact conditions on \`${requestTagKey('kubernetes-namespace')}\` ` +
    `and \`${requestTagKey('kubernetes-service-account')}\`: any EKS Pod Identity association in the account can give the role to ` +
    'any ServiceAccount',
  fix: `Add \`"StringEquals": { "${requestTagKey('kubernetes-namespace')}": "<namespace>", "${requestTagKey('kubernetes-service-account')}": ` +
    '"<name>" }`.',
  checkPodIdentity: statement => {
    // Deploy-time conditions may hold them; IRSA9 reports those instead.
    if (statement.deployTimeConditions.length > 0) return [];
    const missing = ['kubernetes-namespace', 'kubernetes-service-account'].filter(tag => !pinsRequestTag(statement, tag));
    if (missing.length === 0) return [];
    return [error(IRSA11, `${statement.where} lets ${POD_IDENTITY_SERVICE_PRINCIPAL} assume the role without a StringEquals condition on ` +
      `${missing.map(t => `"${requestTagKey(t)}"`).join(' and ')}, so anyone who can create an EKS Pod Identity association in the ` +
      'account can give the role to any ServiceAccount of any cluster. Add "StringEquals": { ' +
      `"${requestTagKey('kubernetes-namespace')}": "<namespace>", "${requestTagKey('kubernetes-service-account')}": "<name>" }.`)];
  },
};
