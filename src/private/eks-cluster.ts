import * as eks from 'aws-cdk-lib/aws-eks';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import { Construct, IConstruct } from 'constructs';
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

/** Whether aws-cdk-lib can run kubectl against the cluster (aws-eks or aws-eks-v2), which applying manifests needs. */
export function hasKubectlAccess(cluster: AnyEksCluster): boolean {
  const v1 = cluster as eks.ICluster;
  const v2 = cluster as eksv2.ICluster;
  return v1.kubectlRole !== undefined || cluster.kubectlProvider !== undefined || v2.kubectlProviderOptions !== undefined;
}

/**
 * The cluster that applies manifests on deploy: `cluster` when it has kubectl access, unless the user said no.
 * Asking for it on a cluster without kubectl access is an error rather than a silent file-only setup.
 */
export function kubectlClusterFor<C extends AnyEksCluster>(
  scope: IConstruct, kind: string, cluster: C | undefined, applyManifests: boolean | undefined,
  howToGiveAccess = 'Import it with kubectlRoleArn (or kubectlProvider)',
): C | undefined {
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
        `${howToGiveAccess}, or leave applyManifests out to only write the manifests to the cloud assembly.`);
    }
    return undefined;
  }
  return cluster;
}

/** How a manifest resource treats objects: both modules' KubernetesManifest take these. */
export interface ManifestApplyOptions {
  /** Create with `kubectl apply`, which takes over an object that exists, instead of `kubectl create`, which fails. */
  readonly overwrite: boolean;
  /** Whether updates prune; `undefined` leaves it to the cluster (aws-eks prunes by default). */
  readonly prune?: boolean;
}

/** A cluster that can apply manifests on deploy, whichever aws-cdk-lib module defines it. */
export interface ManifestTarget {
  /** The cluster, as messages name it. */
  readonly cluster: IConstruct;
  /** A resource in `scope` that applies `manifest` to the cluster on deploy. */
  apply(scope: Construct, id: string, manifest: Record<string, any>[], options: ManifestApplyOptions): Construct;
}

/** The target for an aws-eks cluster with kubectl access. */
export function eksManifestTarget(cluster: eks.ICluster): ManifestTarget {
  return { cluster, apply: (scope, id, manifest, options) => new eks.KubernetesManifest(scope, id, { cluster, manifest, ...options }) };
}

/** The target for an aws-eks-v2 cluster with a kubectl provider. */
export function eksV2ManifestTarget(cluster: eksv2.ICluster): ManifestTarget {
  return { cluster, apply: (scope, id, manifest, options) => new eksv2.KubernetesManifest(scope, id, { cluster, manifest, ...options }) };
}
