import { globToRegExp } from '../private/policy-conditions';
import { asArray, coversAction, isObject } from '../private/policy-statements';

/** Whether identity-policy statements let their role call `action` on `resource`, and if not, why. */
export interface IdentityDecision {
  readonly allowed: boolean;
  readonly reason?: string;
}

/**
 * Evaluates a role's identity-policy statements for one action on one resource, as IAM does without a resource
 * policy: an explicit Deny wins, otherwise some Allow must cover the action and the resource. A statement with
 * conditions is not counted as allowing (its keys depend on the request), so the answer fails closed.
 */
export function evaluateIdentityPolicy(statements: unknown[], action: string, resource: string): IdentityDecision {
  const applies = (statement: Record<string, unknown>) => coversAction(statement, action) && coversResource(statement, resource);
  const candidates = statements.filter(isObject).filter(applies);
  const denied = candidates.find(s => s.Effect === 'Deny' && s.Condition === undefined);
  if (denied) return { allowed: false, reason: `an identity-policy statement denies ${action} on ${resource}` };
  if (candidates.some(s => s.Effect === 'Allow' && s.Condition === undefined)) return { allowed: true };
  return { allowed: false, reason: `no identity-policy statement of the role allows ${action} on ${resource}` };
}

function coversResource(statement: Record<string, unknown>, resource: string): boolean {
  const matches = (entry: unknown) => typeof entry === 'string' && globToRegExp(entry).test(resource);
  if (statement.Resource !== undefined) return asArray(statement.Resource).some(matches);
  return statement.NotResource !== undefined && !asArray(statement.NotResource).some(matches);
}
