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

/** The service principal EKS Pod Identity assumes roles as. */
export const POD_IDENTITY_SERVICE_PRINCIPAL = 'pods.eks.amazonaws.com';

/** What EKS Pod Identity calls: `sts:AssumeRole` with session tags, which needs `sts:TagSession` too. */
export const POD_IDENTITY_ACTIONS = ['sts:AssumeRole', 'sts:TagSession'];

/**
 * The session tags EKS Pod Identity sets on every role session, as the EKS User Guide lists them ("Grant Pods access
 * to AWS resources based on tags", pod-id-abac, and "Create IAM role with trust policy required by EKS Pod Identity",
 * pod-id-role). A trust condition on any other request tag can never hold, so the role would be unusable.
 */
export const POD_IDENTITY_SESSION_TAGS = [
  'eks-cluster-arn',
  'eks-cluster-name',
  'kubernetes-namespace',
  'kubernetes-service-account',
  'kubernetes-pod-name',
  'kubernetes-pod-uid',
];

/** The condition key of a request tag, as trust policies name it. */
export function requestTagKey(tag: string): string {
  return `aws:RequestTag/${tag}`;
}

/** The name of the EKS add-on that runs the EKS Pod Identity Agent on the nodes. */
export const POD_IDENTITY_AGENT_ADDON = 'eks-pod-identity-agent';
