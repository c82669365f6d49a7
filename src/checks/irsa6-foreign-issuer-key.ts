import { error, TrustRule } from './trust-rule';

/** IRSA6: STS sets only the principal's own issuer's keys, so a condition on another issuer's keys restricts nothing. */
export const IRSA6: TrustRule = {
  id: 'IRSA6',
  level: 'error',
  summary: 'a condition key whose issuer is not the issuer of the Federated principal, so it does not restrict that provider\'s tokens',
  fix: 'Prefix the condition keys with the issuer of the principal (its ARN after `:oidc-provider/`).',
  checkCondition: (condition, statement) => condition.issuerMatches
    .filter(m => m.match === 'different')
    .map(({ provider }) => error(IRSA6, `${statement.where} checks ${condition.keyShown}, but the principal ${provider.shown} is the ` +
      `provider of issuer "${provider.issuerShown}": STS sets only "${provider.issuerShown}:sub" and ":aud" for its tokens, so ` +
      'this condition does not restrict them as intended. Prefix the condition keys with the issuer of the principal ' +
      '(its ARN after ":oidc-provider/").')),
};
