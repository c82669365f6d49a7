/*
 * The names IRSA is made of, spelled once: what the pod identity webhook asks STS for, what IAM and STS call the
 * action and the resources, and what Kubernetes puts in a ServiceAccount token.
 */

/** The audience the pod identity webhook requests for ServiceAccount tokens, and IAM's default client ID. */
export const STS_AUDIENCE = 'sts.amazonaws.com';

/** The one action a web-identity trust statement allows. */
export const ASSUME_ROLE_WITH_WEB_IDENTITY = 'sts:AssumeRoleWithWebIdentity';

/** What precedes the issuer in an IAM OIDC provider ARN (`arn:<partition>:iam::<account>:oidc-provider/<issuer>`). */
export const OIDC_PROVIDER_IN_ARN = ':oidc-provider/';

export const ROLE_RESOURCE_TYPE = 'AWS::IAM::Role';
export const OIDC_PROVIDER_RESOURCE_TYPE = 'AWS::IAM::OIDCProvider';
/** The resource types that create IAM OIDC providers: the native one, and aws-eks's custom resource. */
export const OIDC_PROVIDER_RESOURCE_TYPES = [OIDC_PROVIDER_RESOURCE_TYPE, 'Custom::AWSCDKOpenIdConnectProvider'];

/** The `sub` claim of a ServiceAccount token starts with this, then `<namespace>:<name>`. */
export const SERVICE_ACCOUNT_SUBJECT_PREFIX = 'system:serviceaccount:';

/** The `sub` claim of a ServiceAccount's tokens, or with no name the StringLike pattern for its whole namespace. */
export function serviceAccountSubject(namespace: string, name: string | undefined): string {
  return `${SERVICE_ACCOUNT_SUBJECT_PREFIX}${namespace}:${name ?? '*'}`;
}
