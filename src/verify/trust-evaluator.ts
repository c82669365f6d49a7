import { ASSUME_ROLE_WITH_WEB_IDENTITY, POD_IDENTITY_SERVICE_PRINCIPAL, requestTagKey } from '../private/irsa-constants';
import { ConditionFailure, evaluateConditions, RequestContext } from '../private/policy-conditions';
import { asArray, coversAction, federatedPrincipalsOf, isObject, statementsOf } from '../private/policy-statements';

/** What STS knows about the caller when it evaluates a role's trust policy for a web identity. */
export interface WebIdentityCaller {
  /** ARN of the OIDC provider that vouched for the token. */
  readonly providerArn: string;
  /** The provider URL without `https://`: the prefix of the condition keys. */
  readonly issuer: string;
  readonly sub: string;
  readonly aud: string;
}

/** What STS knows when EKS Pod Identity assumes a role for a pod: the session tags EKS sets. */
export interface PodIdentityCaller {
  readonly clusterArn: string;
  readonly clusterName: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly podName: string;
  readonly podUid: string;
}

/**
 * Who EKS Pod Identity assumes a target role as: a session of the association's role, passing the association's
 * ExternalId and, unless the association disables them, its session tags (transitive, so also the session's own).
 */
export interface ChainedCaller {
  /** The association's role: the session's principal (`aws:PrincipalArn`). */
  readonly roleArn: string;
  readonly externalId?: string;
  /** The pod's session tags; none when the association disables them. */
  readonly tags?: PodIdentityCaller;
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
function webIdentityContext(caller: WebIdentityCaller): RequestContext {
  return {
    [`${caller.issuer}:sub`]: [caller.sub],
    [`${caller.issuer}:aud`]: [caller.aud],
  };
}

/** The request context of EKS Pod Identity's `sts:AssumeRole`: its six session tags, as request tags. */
function podIdentityContext(caller: PodIdentityCaller): RequestContext {
  return {
    [requestTagKey('eks-cluster-arn')]: [caller.clusterArn],
    [requestTagKey('eks-cluster-name')]: [caller.clusterName],
    [requestTagKey('kubernetes-namespace')]: [caller.namespace],
    [requestTagKey('kubernetes-service-account')]: [caller.serviceAccount],
    [requestTagKey('kubernetes-pod-name')]: [caller.podName],
    [requestTagKey('kubernetes-pod-uid')]: [caller.podUid],
  };
}

/**
 * Evaluates a role trust policy for `sts:AssumeRoleWithWebIdentity`: an explicit Deny wins, otherwise one Allow
 * statement whose action, principal and conditions all match is needed.
 */
export function evaluateTrust(policy: unknown, caller: WebIdentityCaller): TrustDecision {
  return evaluateAction(policy, ASSUME_ROLE_WITH_WEB_IDENTITY, webIdentityContext(caller), 'the token',
    statement => webIdentityPrincipalMismatch(statement, caller));
}

/**
 * Evaluates a role trust policy for EKS Pod Identity, which calls `sts:AssumeRole` with session tags: both
 * `sts:AssumeRole` and `sts:TagSession` must be allowed to `pods.eks.amazonaws.com` with the tags of the pod (none
 * when the association disables them).
 */
export function evaluatePodIdentityTrust(policy: unknown, caller: PodIdentityCaller, withoutSessionTags = false): TrustDecision {
  const context = withoutSessionTags ? {} : podIdentityContext(caller);
  const assume = evaluateAction(policy, 'sts:AssumeRole', context, 'the session', servicePrincipalMismatch);
  // Without session tags, EKS calls sts:AssumeRole alone.
  if (!assume.allowed || withoutSessionTags) return assume;
  const tag = evaluateAction(policy, 'sts:TagSession', context, 'the session', servicePrincipalMismatch);
  return tag.allowed ? assume : { ...tag, reasons: tag.reasons.map(r => `sts:TagSession: ${r}`) };
}

/**
 * Evaluates a target role's trust for the second assumption of EKS Pod Identity: `sts:AssumeRole` (and, with session
 * tags, `sts:TagSession`) by the association role's session, with the ExternalId and the transitive tags as request
 * tags and as the session's principal tags.
 */
export function evaluateChainedTrust(policy: unknown, caller: ChainedCaller): TrustDecision {
  const tags = caller.tags ? podIdentityContext(caller.tags) : {};
  const principalTags = Object.fromEntries(Object.entries(tags).map(([key, value]) => [key.replace('aws:RequestTag/', 'aws:PrincipalTag/'), value]));
  const context: RequestContext = {
    'aws:PrincipalArn': [caller.roleArn],
    ...(caller.externalId !== undefined ? { 'sts:ExternalId': [caller.externalId] } : {}),
    ...tags,
    ...principalTags,
  };
  const mismatch = (statement: Record<string, unknown>) => awsPrincipalMismatch(statement, caller.roleArn);
  const assume = evaluateAction(policy, 'sts:AssumeRole', context, 'the request', mismatch);
  if (!assume.allowed || !caller.tags) return assume;
  const tag = evaluateAction(policy, 'sts:TagSession', context, 'the request', mismatch);
  return tag.allowed ? assume : { ...tag, reasons: tag.reasons.map(r => `sts:TagSession: ${r}`) };
}

/** One action against every statement: an explicit Deny wins, otherwise the first applying Allow. */
function evaluateAction(policy: unknown, action: string, context: RequestContext, holder: string,
  principalMismatch: (statement: Record<string, unknown>) => string | undefined): TrustDecision {
  const reasons: string[] = [];
  let allowedBy: number | undefined;
  const statements = statementsOf(policy);
  for (let i = 0; i < statements.length; i++) {
    const statement = statements[i];
    if (!isObject(statement) || !coversAction(statement, action)) continue;
    const principalProblem = principalMismatch(statement);
    const failures = evaluateConditions(statement.Condition as Record<string, Record<string, unknown>> | undefined, context);
    const applies = principalProblem === undefined && failures.length === 0;
    if (statement.Effect === 'Deny' && applies) {
      return { allowed: false, statement: i, deniedExplicitly: true, reasons: [`statement ${i} denies it explicitly`] };
    }
    if (statement.Effect !== 'Allow') continue;
    if (applies) {
      allowedBy ??= i;
    } else {
      reasons.push(`statement ${i}: ${principalProblem ?? failures.map(f => describeFailure(f, holder)).join('; ')}`);
    }
  }
  if (allowedBy !== undefined) return { allowed: true, statement: allowedBy, deniedExplicitly: false, reasons: [] };
  if (reasons.length === 0) reasons.push(`no statement allows ${action}`);
  return { allowed: false, deniedExplicitly: false, reasons };
}

function webIdentityPrincipalMismatch(statement: Record<string, unknown>, caller: WebIdentityCaller): string | undefined {
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

/** Whether a statement's AWS principal covers a role: its ARN, its account (root ARN or ID), or `*`. */
function awsPrincipalMismatch(statement: Record<string, unknown>, roleArn: string): string | undefined {
  const account = roleArn.split(':')[4];
  const partition = roleArn.split(':')[1];
  const covers = (entry: unknown) => entry === '*' || entry === roleArn || entry === account || entry === `arn:${partition}:iam::${account}:root`;
  if (statement.NotPrincipal !== undefined) {
    return isObject(statement.NotPrincipal) && asArray(statement.NotPrincipal.AWS).some(covers) ? `NotPrincipal excludes ${roleArn}` : undefined;
  }
  if (statement.Principal === '*') return undefined;
  const principals = isObject(statement.Principal) ? asArray(statement.Principal.AWS) : [];
  if (principals.some(covers)) return undefined;
  return principals.length === 0 ? 'the principal is not an AWS principal' : `the principal is ${principals.join(', ')}, not ${roleArn}`;
}

function servicePrincipalMismatch(statement: Record<string, unknown>): string | undefined {
  if (statement.NotPrincipal !== undefined) {
    const excluded = isObject(statement.NotPrincipal) && asArray(statement.NotPrincipal.Service).includes(POD_IDENTITY_SERVICE_PRINCIPAL);
    return excluded ? `NotPrincipal excludes ${POD_IDENTITY_SERVICE_PRINCIPAL}` : undefined;
  }
  const principal = statement.Principal;
  if (principal === '*' || (isObject(principal) && asArray(principal.AWS).includes('*'))) return undefined;
  const services = isObject(principal) ? asArray(principal.Service).map(String) : [];
  if (services.includes(POD_IDENTITY_SERVICE_PRINCIPAL)) return undefined;
  return `the principal is not the service ${POD_IDENTITY_SERVICE_PRINCIPAL}`;
}

function federatedOf(principal: unknown): string[] {
  return federatedPrincipalsOf(principal).map(String);
}

/** A failed condition as a sentence: what the policy wants, and what the token (or session) `holder` has. */
function describeFailure(failure: ConditionFailure, holder: string): string {
  const expected = failure.policyValues.length === 1 ? failure.policyValues[0] : `one of ${failure.policyValues.join(', ')}`;
  const actual = failure.requestValues === undefined
    ? 'the request has no such key'
    : `${holder} has ${failure.requestValues.join(', ')}`;
  return `${failure.operator} ${failure.key} wants ${expected}, ${actual}`;
}
