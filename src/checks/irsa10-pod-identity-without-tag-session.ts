import { error, TrustRule } from './trust-rule';
import { POD_IDENTITY_SERVICE_PRINCIPAL } from '../private/irsa-constants';

/** IRSA10: EKS Pod Identity assumes roles with session tags, which needs `sts:TagSession`; without it no pod gets credentials. */
export const IRSA10: TrustRule = {
  id: 'IRSA10',
  level: 'error',
  summary: `\`${POD_IDENTITY_SERVICE_PRINCIPAL}\` may call \`sts:AssumeRole\` but not \`sts:TagSession\`: EKS Pod Identity tags its ` +
    'sessions, so it cannot assume the role and pods get no credentials',
  fix: 'Allow `["sts:AssumeRole", "sts:TagSession"]` in the statement.',
  checkPodIdentity: statement => (statement.tagSessionAllowed ? [] : [error(IRSA10,
    `${statement.where} lets ${POD_IDENTITY_SERVICE_PRINCIPAL} call sts:AssumeRole, but no statement lets it call sts:TagSession. ` +
    'EKS Pod Identity assumes the role with session tags, which needs both, so every pod of its associations gets no ' +
    'credentials. Allow ["sts:AssumeRole", "sts:TagSession"] in the statement.')]),
};
