import { error, TrustRule, warning } from './trust-rule';
import { TRUST_POLICY_DEFAULT_QUOTA, TRUST_POLICY_MAX_QUOTA } from '../private/trust-policy-size';

/** IRSA8: IAM refuses to create or update a role whose trust policy is over the account's quota. */
export const IRSA8: TrustRule = {
  id: 'IRSA8',
  level: 'warning, or error',
  summary: `the trust policy is over ${TRUST_POLICY_DEFAULT_QUOTA} characters, IAM's default quota (a warning), or over ` +
    `${TRUST_POLICY_MAX_QUOTA}, its maximum (an error)`,
  fix: `Split the trusted identities over several roles, or raise the account's "Role trust policy length" quota (up to ${TRUST_POLICY_MAX_QUOTA}).`,
  checkPolicy: policy => {
    const size = policy.estimatedSize;
    if (size === undefined || size <= TRUST_POLICY_DEFAULT_QUOTA) return [];
    if (size > TRUST_POLICY_MAX_QUOTA) {
      return [error(IRSA8, `the trust policy is about ${size} characters; IAM rejects trust policies over ${TRUST_POLICY_MAX_QUOTA} ` +
        'characters even with a raised quota. Split the trusted identities over several roles.')];
    }
    return [warning(IRSA8, `the trust policy is about ${size} characters, over IAM's default quota of ${TRUST_POLICY_DEFAULT_QUOTA}. ` +
      `Deployment fails unless the account's "Role trust policy length" quota is raised (up to ${TRUST_POLICY_MAX_QUOTA}); ` +
      'otherwise split the trusted identities over several roles.')];
  },
};
