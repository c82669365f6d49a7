import { error, TrustRule } from './trust-rule';
import { issuerFormProblem } from '../private/issuer-form';

/**
 * IRSA14: STS picks the provider whose URL equals the token's `iss`, so a provider of an issuer no token carries (the
 * EKS dual-stack host, a trailing `/`, the discovery document's address) never vouches for a token.
 */
export const IRSA14: TrustRule = {
  id: 'IRSA14',
  level: 'error',
  summary: 'the principal is the provider of an issuer no token carries (EKS\'s dual-stack host `oidc-eks.<region>.api.aws`, ' +
    'a trailing `/`, the discovery document\'s address): STS never matches it, so no pod can assume the role',
  fix: 'Trust the provider of the issuer exactly as tokens carry it in `iss` (for EKS, `oidc.eks.<region>.amazonaws.com/id/<ID>`).',
  checkStatement: statement => statement.providers.flatMap(provider => {
    const literal = provider.issuer.literal;
    const form = literal === undefined ? undefined : issuerFormProblem(literal);
    return form === undefined ? [] : [error(IRSA14, `${statement.where} trusts ${provider.shown}, whose issuer "${literal}" ${form.problem}: ` +
      'STS finds the provider by the token\'s "iss", so it never vouches for a token and the role can never be assumed. Trust the ' +
      `provider of "${form.issued}" instead, with condition keys "${form.issued}:sub" and "${form.issued}:aud".`)];
  }),
};
