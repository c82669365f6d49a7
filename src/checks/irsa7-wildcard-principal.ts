import { error, TrustRule } from './trust-rule';
import { ASSUME_ROLE_WITH_WEB_IDENTITY } from '../private/irsa-constants';

/** IRSA7: a wildcard principal lets tokens of any identity provider in, whatever the conditions say of one issuer. */
export const IRSA7: TrustRule = {
  id: 'IRSA7',
  level: 'error',
  summary: 'the principal is `*` (`"Principal": "*"`, `"AWS": "*"`, `"Federated": "*"`), can be `*` at deploy time (an `Fn::If`), ' +
    'or is a `NotPrincipal`: a token from any identity provider can assume the role',
  fix: 'Name the cluster\'s IAM OIDC provider as the Federated principal.',
  checkStatement: statement => (statement.wildcardPrincipal === undefined ? [] : [error(IRSA7,
    `${statement.where} allows ${ASSUME_ROLE_WITH_WEB_IDENTITY} to ${statement.wildcardPrincipal}, so a token from any identity ` +
    'provider can assume the role. Name the cluster\'s IAM OIDC provider as the Federated principal instead.')]),
};
