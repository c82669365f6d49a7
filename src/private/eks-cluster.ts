import * as eks from 'aws-cdk-lib/aws-eks';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import { IConstruct } from 'constructs';
import { fail } from './construct-error';

/** An EKS cluster of aws-cdk-lib's aws-eks or aws-eks-v2 module: both have the members cdk-irsa reads. */
export type AnyEksCluster = eks.ICluster | eksv2.ICluster;

/**
 * The OIDC issuer URL of an aws-cdk-lib EKS cluster (aws-eks or aws-eks-v2). Only a cluster defined in the app knows
 * it (as a deploy-time attribute); `ICluster` does not declare it and an imported cluster has no way to read it.
 */
export function issuerUrlOfCluster(scope: IConstruct, kind: string, cluster: AnyEksCluster): string {
  const issuerUrl = (cluster as { clusterOpenIdConnectIssuerUrl?: string }).clusterOpenIdConnectIssuerUrl;
  if (issuerUrl === undefined) {
    fail(scope, kind, `the OIDC issuer of cluster '${cluster.node.path}' is not known to aws-cdk-lib (it is imported). ` +
      'Pass issuerUrl (`aws eks describe-cluster --name <name> --query cluster.identity.oidc.issuer`), ' +
      'or use IrsaCluster.fromOidcProviderArn() if the cluster already has an IAM OIDC provider.');
  }
  return issuerUrl;
}

/** Whether aws-cdk-lib can run kubectl against the cluster, which applying manifests needs. */
export function hasKubectlAccess(cluster: eks.ICluster): boolean {
  return cluster.kubectlRole !== undefined || cluster.kubectlProvider !== undefined;
}

/**
 * The cluster that applies manifests on deploy: `cluster` when it has kubectl access, unless the user said no.
 * Asking for it on a cluster without kubectl access is an error rather than a silent file-only setup.
 */
export function kubectlClusterFor(
  scope: IConstruct, kind: string, cluster: eks.ICluster | undefined, applyManifests: boolean | undefined,
): eks.ICluster | undefined {
  if (cluster === undefined) {
    if (applyManifests) {
      fail(scope, kind, 'applyManifests is true but no cluster is given. Pass `cluster` (an eks.ICluster with kubectl access), or leave applyManifests out.');
    }
    return undefined;
  }
  if (applyManifests === false) return undefined;
  if (!hasKubectlAccess(cluster)) {
    if (applyManifests) {
      fail(scope, kind, `applyManifests is true but cluster '${cluster.node.path}' has no kubectl access. ` +
        'Import it with kubectlRoleArn (or kubectlProvider), or leave applyManifests out to only write the manifests to the cloud assembly.');
    }
    return undefined;
  }
  return cluster;
}
