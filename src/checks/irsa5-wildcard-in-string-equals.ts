import { error, TrustRule } from './trust-rule';

/** IRSA5: StringEquals takes `*` and `?` literally, so a value with them never matches a token. */
export const IRSA5: TrustRule = {
  id: 'IRSA5',
  level: 'error',
  summary: 'a `StringEquals` value with `*` or `?`, which it compares literally, so the condition never matches',
  fix: 'List the exact values, or use `StringLike` with a literal namespace (`system:serviceaccount:<namespace>:*`).',
  checkCondition: (condition, statement) => {
    if (condition.operator !== 'StringEquals') return [];
    return condition.values.filter(value => /[*?]/.test(value.text)).map(value => error(IRSA5,
      `${statement.where} compares ${condition.keyShown} to ${value.shown} with StringEquals, which takes "*" and "?" literally: ` +
      'no token carries that value, so the condition never matches. List the exact values, or use StringLike with a ' +
      'literal namespace (system:serviceaccount:<namespace>:*).'));
  },
};
