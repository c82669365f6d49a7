import { error, TrustRule } from './trust-rule';

const WEB_IDENTITY_FIX = 'so its principal and its sub and aud conditions cannot be checked. Write the trust policy into the ' +
  'template, or acknowledge IRSA9 after reviewing the deployed policy.';
const CONDITIONS_FIX = 'so its sub and aud conditions cannot be checked. Write the conditions into the template ' +
  '(Stack.toJsonString renders token keys without a custom resource), or acknowledge IRSA9 after reviewing the deployed policy.';

/** IRSA9: what is only known at deploy time cannot be checked at synth time, so the audit fails closed. */
export const IRSA9: TrustRule = {
  id: 'IRSA9',
  level: 'error',
  summary: 'a part only known at deploy time, so it cannot be checked: the policy or a statement (when they mention web identities), ' +
    'the principal, a condition block (also of an EKS Pod Identity statement), or the issuer of a condition key',
  fix: 'Write the trust policy into the template (`Stack.toJsonString` renders token keys without a custom resource), or ' +
    'acknowledge IRSA9 after reviewing the deployed policy.',
  checkPolicy: policy => (policy.deployTimePolicy === undefined ? [] : [error(IRSA9,
    `the trust policy is only known at deploy time (${policy.deployTimePolicy}) and mentions web identities, ${WEB_IDENTITY_FIX}`)]),
  checkStatement: statement => [
    ...(statement.deployTimeStatement === undefined ? [] : [error(IRSA9,
      `${statement.where} is only known at deploy time (${statement.deployTimeStatement}) and mentions web identities, ${WEB_IDENTITY_FIX}`)]),
    ...(statement.deployTimePrincipal === undefined ? [] : [error(IRSA9,
      `the Principal of ${statement.where} is only known at deploy time (${statement.deployTimePrincipal}), ${CONDITIONS_FIX}`)]),
    ...statement.deployTimeConditions.map(({ part, shown }) => error(IRSA9,
      `${part} of ${statement.where} is only known at deploy time (${shown}), ${CONDITIONS_FIX}`)),
  ],
  checkPodIdentity: statement => statement.deployTimeConditions.map(({ part, shown }) => error(IRSA9,
    `${part} of ${statement.where} is only known at deploy time (${shown}), so its EKS Pod Identity conditions cannot be checked. ` +
    'Write the conditions into the template, or acknowledge IRSA9 after reviewing the deployed policy.')),
  checkCondition: (condition, statement) => condition.issuerMatches
    .filter(m => m.match === 'unknown')
    .map(({ provider }) => error(IRSA9, `${statement.where} checks ${condition.keyShown}, and which issuer that key names cannot be ` +
      `matched to the principal ${provider.shown} at synth time, so the condition may not restrict its tokens. Derive the key ` +
      'from the principal\'s ARN (as IrsaCluster.openIdConnectProviderIssuer does), or acknowledge IRSA9 after reviewing the ' +
      'deployed policy.')),
};
