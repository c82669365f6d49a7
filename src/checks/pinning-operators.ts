import { AuditedValue } from './audited-trust-policy';

/** The only operators that make a claim equal (or match) given values, and fail when the claim is absent. */
export const PINNING_OPERATORS = ['StringEquals', 'StringLike'];

/**
 * Whether a condition pins its key to given values: StringEquals, or StringLike whose values have no wildcard or
 * deploy-time part (which may hold one).
 */
export function pinsValues(condition: { readonly operator: string; readonly values: readonly AuditedValue[] }): boolean {
  return condition.operator === 'StringEquals' || (condition.operator === 'StringLike' && condition.values.every(v => v.variableAt < 0));
}
