import { PINNING_OPERATORS } from './pinning-operators';
import { error, TrustRule } from './trust-rule';

/** IRSA3: an operator other than StringEquals/StringLike on `sub` or `aud` does not pin the claim. */
export const IRSA3: TrustRule = {
  id: 'IRSA3',
  level: 'error',
  summary: 'a condition on `sub` or `aud` with another operator than `StringEquals`/`StringLike` (`ForAllValues:`, `ForAnyValue:`, ' +
    '`…IfExists`, `StringNotEquals`, `StringNotLike`, `Null`, …), which does not pin the claim',
  fix: 'Use `StringEquals` with the exact `system:serviceaccount:<namespace>:<name>` or audience.',
  checkCondition: (condition, statement) => {
    if (PINNING_OPERATORS.includes(condition.operator)) return [];
    return [error(IRSA3, `${statement.where} checks ${condition.keyShown} with ${condition.operator}, which ${riskOf(condition.operator)}. ` +
      `Use StringEquals with the exact ${condition.claim === 'sub' ? 'system:serviceaccount:<namespace>:<name>' : 'audience'}.`)];
  },
};

/** Why an operator other than StringEquals/StringLike does not pin a claim. */
function riskOf(operator: string): string {
  if (operator.startsWith('ForAllValues:')) return 'is true when the claim is missing or empty';
  if (operator.startsWith('ForAnyValue:')) return 'is a set operator meant for multivalued keys, not the single-valued sub and aud';
  if (operator.endsWith('IfExists')) return 'is true when the claim is missing';
  if (operator.includes('Not')) return 'allows every value but the ones listed';
  if (operator === 'Null') return 'only checks whether the claim is present';
  return 'is not an exact comparison';
}
