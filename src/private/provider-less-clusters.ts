import { IConstruct } from 'constructs';

/*
 * The IrsaClusters made with createOidcProvider: false (EKS Pod Identity only), recorded here so that a role can
 * refuse IRSA on one with a message naming the option, without importing the cluster's module (which imports it).
 */

const withoutProvider = new WeakSet<IConstruct>();

export function recordNoOidcProvider(irsaCluster: IConstruct): void {
  withoutProvider.add(irsaCluster);
}

/** Whether `irsaCluster` was made with createOidcProvider: false. */
export function hasNoOidcProvider(irsaCluster: IConstruct): boolean {
  return withoutProvider.has(irsaCluster);
}
