import { arnOfIssuerIntrinsic, providerResourceIssuer } from './issuer-intrinsics';
import { isObject, asArray } from './policy-statements';
import { StackValues } from './stack-values';

/** IAM's default quota on a role trust policy, and the most it can be raised to (whitespace not counted). */
export const TRUST_POLICY_DEFAULT_QUOTA = 2048;
export const TRUST_POLICY_MAX_QUOTA = 4096;

/*
 * The longest values that deploy-time parts of a trust policy can plausibly take, so that a size estimate is an upper
 * bound and a quota warning is never missed: the longest partition in a provider ARN, an EKS issuer in the longest
 * region name of the China partition (`oidc.eks.cn-northwest-1.amazonaws.com.cn/id/` + 32), the longest client ID
 * IAM accepts, and the longest value of each pseudo parameter.
 */
export const WORST_CASE_PROVIDER_ARN_PREFIX = 'arn:aws-us-gov:iam::123456789012:oidc-provider/';
export const WORST_CASE_ISSUER = 'oidc.eks.cn-northwest-1.amazonaws.com.cn/id/0123456789ABCDEF0123456789ABCDEF';
export const WORST_CASE_AUDIENCE = 'x'.repeat(255);
const WORST_CASE_PSEUDO_PARAMETER_LENGTHS: Record<string, number> = {
  'AWS::Partition': 'aws-us-gov'.length,
  'AWS::AccountId': 12,
  'AWS::Region': 'ap-southeast-7'.length,
  'AWS::URLSuffix': 'amazonaws.com.cn'.length,
};

/** The characters IAM counts for a policy document: its JSON without whitespace. */
export function policySize(document: unknown): number {
  return JSON.stringify(document).replace(/\s/g, '').length;
}

/**
 * The characters IAM would count for a trust policy read with `values`, deploy-time parts counted at their longest:
 * an audience (a value of an `…:aud` condition) as the longest client ID, an issuer as the issuer of its provider
 * resource or the longest EKS issuer, a pseudo parameter at its longest, and anything else as a provider ARN, the
 * only other deploy-time value a trust policy usually holds.
 */
export function estimateTrustPolicySize(document: Record<string, unknown>, values: StackValues): number {
  const worstCase = values.mapPlaceholders(JSON.stringify(withWorstCaseAudiences(document, values)),
    intrinsic => 'x'.repeat(worstCaseLength(intrinsic, values)));
  return policySize(JSON.parse(worstCase));
}

function worstCaseLength(intrinsic: unknown, values: StackValues): number {
  const arn = arnOfIssuerIntrinsic(intrinsic);
  if (arn !== undefined) return (providerResourceIssuer(values, arn)?.literal ?? WORST_CASE_ISSUER).length;
  const pseudo = WORST_CASE_PSEUDO_PARAMETER_LENGTHS[String((intrinsic as { Ref?: unknown }).Ref)];
  if (pseudo !== undefined) return pseudo;
  return WORST_CASE_PROVIDER_ARN_PREFIX.length + (providerResourceIssuer(values, intrinsic)?.literal ?? WORST_CASE_ISSUER).length;
}

/** `document` with the deploy-time parts of its audiences replaced by the longest client ID. */
function withWorstCaseAudiences(document: Record<string, unknown>, values: StackValues): Record<string, unknown> {
  const audience = (value: unknown) => (typeof value === 'string' ? values.mapPlaceholders(value, () => WORST_CASE_AUDIENCE) : value);
  const block = (conditions: unknown) => (isObject(conditions)
    ? Object.fromEntries(Object.entries(conditions).map(([key, value]) =>
      [key, key.toLowerCase().endsWith(':aud') ? (Array.isArray(value) ? value.map(audience) : audience(value)) : value]))
    : conditions);
  const statements = asArray(document.Statement).map(statement => {
    if (!isObject(statement) || !isObject(statement.Condition)) return statement;
    return { ...statement, Condition: Object.fromEntries(Object.entries(statement.Condition).map(([operator, b]) => [operator, block(b)])) };
  });
  return { ...document, Statement: statements };
}
