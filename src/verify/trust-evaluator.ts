import { ASSUME_ROLE_WITH_WEB_IDENTITY } from '../private/irsa-constants';
import { ConditionFailure, evaluateConditions, RequestContext } from '../private/policy-conditions';
import { asArray, coversAction, federatedPrincipalsOf, isObject, statementsOf } from '../private/policy-statements';

/** What STS knows about the caller when it evaluates a role's trust policy. */
export interface WebIdentityCaller {
  /** ARN of the OIDC provider that vouched for the token. */
  readonly providerArn: string;
  /** The provider URL without `https://`: the prefix of the condition keys. */
  readonly issuer: string;
  readonly sub: string;
  readonly aud: string;
}

/** The outcome for one role, with the reasons an Allow statement did not apply. */
export interface TrustDecision {
  readonly allowed: boolean;
  /** Index of the statement that allowed (or explicitly denied) the call. */
  readonly statement?: number;
  readonly deniedExplicitly: boolean;
  /** Why each Allow statement about this action did not apply, one sentence each. */
  readonly reasons: string[];
}

/** The request context STS builds for an OIDC web-identity call. */
export function webIdentityContext(caller: WebIdentityCaller): RequestContext {
  return {
    [`${caller.issuer}:sub`]: [caller.sub],
    [`${caller.issuer}:aud`]: [caller.aud],
  };
}

/**
 * Evaluates a role trust policy for `sts:AssumeRoleWithWebIdentity`: an explicit Deny wins, otherwise one Allow
 * statement whose action, principal and conditions all match is needed.
 */
export function evaluateTrust(policy: any, caller: WebIdentityCaller): TrustDecision {
  const context = webIdentityContext(caller);
  const reasons: string[] = [];
  let allowedBy: number | undefined;
  const statements = statementsOf(policy);
  for (let i = 0; i < statements.length; i++) {
    const statement = statements[i];
    if (!isObject(statement) || !coversAction(statement, ASSUME_ROLE_WITH_WEB_IDENTITY)) continue;
    const principalProblem = principalMismatch(statement, caller);
    const failures = evaluateConditions(statement.Condition as Record<string, Record<string, unknown>> | undefined, context);
    const applies = principalProblem === undefined && failures.length === 0;
    if (statement.Effect === 'Deny' && applies) {
      return { allowed: false, statement: i, deniedExplicitly: true, reasons: [`statement ${i} denies it explicitly`] };
    }
    if (statement.Effect !== 'Allow') continue;
    if (applies) {
      allowedBy ??= i;
    } else {
      reasons.push(`statement ${i}: ${principalProblem ?? failures.map(describeFailure).join('; ')}`);
    }
  }
  if (allowedBy !== undefined) return { allowed: true, statement: allowedBy, deniedExplicitly: false, reasons: [] };
  if (reasons.length === 0) reasons.push(`no statement allows ${ASSUME_ROLE_WITH_WEB_IDENTITY}`);
  return { allowed: false, deniedExplicitly: false, reasons };
}

function principalMismatch(statement: Record<string, unknown>, caller: WebIdentityCaller): string | undefined {
  if (statement.NotPrincipal !== undefined) {
    return federatedOf(statement.NotPrincipal).includes(caller.providerArn) ? 'NotPrincipal excludes the provider' : undefined;
  }
  const principal = statement.Principal;
  if (principal === '*' || (isObject(principal) && asArray(principal.AWS).includes('*'))) return undefined;
  const federated = federatedOf(principal);
  if (federated.includes(caller.providerArn)) return undefined;
  return federated.length === 0
    ? 'the principal is not a Federated OIDC provider'
    : `the principal is ${federated.join(', ')}, but the token was vouched for by ${caller.providerArn}`;
}

function federatedOf(principal: unknown): string[] {
  return federatedPrincipalsOf(principal).map(String);
}

function describeFailure(failure: ConditionFailure): string {
  const expected = failure.policyValues.length === 1 ? failure.policyValues[0] : `one of ${failure.policyValues.join(', ')}`;
  const actual = failure.requestValues === undefined
    ? 'the request has no such key'
    : `the token has ${failure.requestValues.join(', ')}`;
  return `${failure.operator} ${failure.key} wants ${expected}, ${actual}`;
}
