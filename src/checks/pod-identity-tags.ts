import { AuditedPodIdentityStatement } from './audited-trust-policy';
import { pinsValues } from './pinning-operators';

/**
 * Whether a statement pins a session tag EKS Pod Identity sets to given values: a StringEquals condition, or a
 * StringLike one whose values have no wildcard or deploy-time part.
 */
export function pinsRequestTag(statement: AuditedPodIdentityStatement, ...tags: string[]): boolean {
  return statement.conditions.some(c => c.requestTag !== undefined && tags.includes(c.requestTag) && pinsValues(c));
}
