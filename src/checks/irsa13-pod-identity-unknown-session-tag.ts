import { PINNING_OPERATORS } from './pinning-operators';
import { error, TrustRule } from './trust-rule';
import { POD_IDENTITY_SERVICE_PRINCIPAL, POD_IDENTITY_SESSION_TAGS } from '../private/irsa-constants';

/** IRSA13: EKS Pod Identity sets six session tags; a condition that requires another one can never hold. */
export const IRSA13: TrustRule = {
  id: 'IRSA13',
  level: 'error',
  summary: `a condition for \`${POD_IDENTITY_SERVICE_PRINCIPAL}\` that requires a request tag EKS Pod Identity does not set ` +
    `(it sets ${POD_IDENTITY_SESSION_TAGS.map(t => `\`${t}\``).join(', ')}): the role can never be assumed`,
  fix: 'Condition on the session tags EKS Pod Identity sets only.',
  checkPodIdentity: statement => statement.conditions
    .filter(c => c.requestTag !== undefined && !POD_IDENTITY_SESSION_TAGS.includes(c.requestTag) && PINNING_OPERATORS.includes(c.operator))
    .map(c => error(IRSA13, `${statement.where} requires ${c.keyShown} with ${c.operator}, but EKS Pod Identity sets only the session ` +
      `tags ${POD_IDENTITY_SESSION_TAGS.join(', ')}, so the condition never holds and no pod can assume the role. Condition on ` +
      'those tags only.')),
};
