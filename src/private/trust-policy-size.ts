/** IAM's default quota on a role trust policy, and the most it can be raised to (whitespace not counted). */
export const TRUST_POLICY_DEFAULT_QUOTA = 2048;
export const TRUST_POLICY_MAX_QUOTA = 4096;

/**
 * Worst-case values for parts that are tokens at synth time: the longest partition name in an ARN, an EKS issuer in
 * the longest region name of the China partition (`oidc.eks.cn-northwest-1.amazonaws.com.cn/id/` + 32) and the
 * longest client ID IAM accepts. Sizes are estimated with them so that a warning is never missed.
 */
export const TOKEN_ARN_PREFIX = 'arn:aws-us-gov:iam::123456789012:oidc-provider/';
export const TOKEN_ISSUER = 'oidc.eks.cn-northwest-1.amazonaws.com.cn/id/0123456789ABCDEF0123456789ABCDEF';
export const TOKEN_AUDIENCE = 'x'.repeat(255);

/** The characters IAM counts for a policy document: its JSON without whitespace. */
export function policySize(document: unknown): number {
  return JSON.stringify(document).replace(/\s/g, '').length;
}
