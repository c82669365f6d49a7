import { ASSUME_ROLE_WITH_WEB_IDENTITY, POD_IDENTITY_SERVICE_PRINCIPAL } from './irsa-constants';
import { globToRegExp } from './policy-conditions';

/*
 * How IAM reads the parts of a policy statement that decide whom it is about: statements, actions and principals,
 * each of which IAM accepts as one value or a list. The audit, the trust builder and `cdk-irsa verify` all ask
 * these questions; this is the one place that answers them.
 */

/** A value IAM accepts as one item or a list, as a list. */
export function asArray(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The statements of a policy document, which IAM accepts as one object or a list. */
export function statementsOf(policy: unknown): unknown[] {
  return isObject(policy) ? asArray(policy.Statement) : [];
}

/**
 * Whether a statement's `Action` (or, inverted, `NotAction`) covers `action`, with IAM's case-insensitive
 * `*`/`?` matching. An entry for which `isDeployTime` holds may be anything at deploy time: it counts as covering in
 * `Action`, and as not excluding in `NotAction`, so a check built on this fails closed.
 */
export function coversAction(statement: Record<string, unknown>, action: string, isDeployTime: (entry: unknown) => boolean = () => false): boolean {
  const wanted = action.toLowerCase();
  const matches = (entry: unknown) => typeof entry === 'string' && !isDeployTime(entry) && globToRegExp(entry.toLowerCase()).test(wanted);
  if (statement.Action !== undefined) return asArray(statement.Action).some(entry => isDeployTime(entry) || matches(entry));
  return statement.NotAction !== undefined && !asArray(statement.NotAction).some(matches);
}

/** The `Federated` principals of a `Principal` (or `NotPrincipal`) block. */
export function federatedPrincipalsOf(principal: unknown): unknown[] {
  return isObject(principal) ? asArray(principal.Federated) : [];
}

/**
 * Whether a statement lets web identities assume the role: it allows (or, when `isDeployTime` says so, may allow)
 * `sts:AssumeRoleWithWebIdentity`, to a Federated principal, everyone (`*`, or an AWS principal that may be `*` at
 * deploy time), or everyone but a `NotPrincipal`.
 */
export function isWebIdentityStatement(statement: unknown, isDeployTime: (value: unknown) => boolean = () => false): boolean {
  if (!isObject(statement)) return false;
  if (statement.Effect !== 'Allow' && !isDeployTime(statement.Effect)) return false;
  if (!coversAction(statement, ASSUME_ROLE_WITH_WEB_IDENTITY, isDeployTime)) return false;
  const principal = statement.Principal;
  return statement.NotPrincipal !== undefined || principal === '*' || isDeployTime(principal)
    || (isObject(principal) && (principal.Federated !== undefined || asArray(principal.AWS).some(entry => entry === '*' || isDeployTime(entry))));
}

/**
 * Whether a statement lets EKS Pod Identity (`pods.eks.amazonaws.com`) call `action`, by default `sts:AssumeRole`;
 * a deploy-time Effect or action counts as one that may.
 */
export function isPodIdentityStatement(statement: unknown, action: string = 'sts:AssumeRole',
  isDeployTime: (value: unknown) => boolean = () => false): boolean {
  return isObject(statement) && (statement.Effect === 'Allow' || isDeployTime(statement.Effect)) &&
    isObject(statement.Principal) && asArray(statement.Principal.Service).includes(POD_IDENTITY_SERVICE_PRINCIPAL) &&
    coversAction(statement, action, isDeployTime);
}

/** Text that marks a value nobody can read before deployment as being about web identities (compared in lower case). */
const WEB_IDENTITY_HINTS = ['assumerolewithwebidentity', 'oidc-provider'];

/** Whether a value (a deploy-time intrinsic, say) mentions web identities anywhere in it. */
export function mentionsWebIdentity(value: unknown): boolean {
  const text = JSON.stringify(value ?? '').toLowerCase();
  return WEB_IDENTITY_HINTS.some(hint => text.includes(hint));
}
