/**
 * How the pods of a ServiceAccount get the credentials of its role.
 */
export enum ServiceAccountIdentity {
  /**
   * IAM roles for service accounts: the pod identity webhook projects a ServiceAccount token that the AWS SDK trades
   * with `sts:AssumeRoleWithWebIdentity`, through the cluster's IAM OIDC provider. The ServiceAccount carries the
   * `eks.amazonaws.com/role-arn` annotation.
   */
  IRSA = 'IRSA',

  /**
   * EKS Pod Identity: an `AWS::EKS::PodIdentityAssociation` names the role for the ServiceAccount, and the EKS Pod
   * Identity Agent gives pods its credentials. The role trusts `pods.eks.amazonaws.com` only for the cluster, namespace
   * and ServiceAccount of its associations; the ServiceAccount carries no annotation.
   */
  POD_IDENTITY = 'POD_IDENTITY',

  /**
   * Both, for moving a workload from IRSA to EKS Pod Identity without a moment without credentials: one role with both
   * trusts, the association and the annotation.
   */
  IRSA_AND_POD_IDENTITY = 'IRSA_AND_POD_IDENTITY',
}
