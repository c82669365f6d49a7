import { Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { fail } from './construct-error';
import { hasNoOidcProvider } from './provider-less-clusters';
import type { IIrsaCluster } from '../irsa-cluster';

/*
 * One owner per ServiceAccount of a cluster in an app. Two owners of one namespace/name (two IrsaServiceAccounts, an
 * IrsaServiceAccount and a role for a chart's ServiceAccount, two stacks) would each write their own annotation or
 * association, the last deploy would win, and deleting either stack would take the ServiceAccount from the other. A
 * cluster is known by each of its names that synthesis can see: its IrsaCluster construct, its literal issuer, and its
 * literal name with the account and region of its stack; two IrsaClusters for one issuer or one cluster are one cluster.
 */

const owners = new WeakMap<IConstruct, Map<string, IConstruct>>();

/** Records `owner` as the owner of namespace/name in `cluster`; a second owner is an error naming both. */
export function claimServiceAccount(owner: IConstruct, kind: string, cluster: IIrsaCluster, namespace: string, name: string): void {
  const byKey = owners.get(owner.node.root) ?? new Map<string, IConstruct>();
  owners.set(owner.node.root, byKey);
  const keys = clusterKeys(cluster).map(key => `${key}\u0000${namespace}\u0000${name}`);
  const other = keys.map(key => byKey.get(key)).find(o => o !== undefined && o !== owner);
  if (other) {
    fail(owner, kind, `ServiceAccount "${name}" in namespace "${namespace}" of cluster '${cluster.node.path}' already belongs to ` +
      `'${other.node.path}'. A ServiceAccount has one owner: two would each set its role, the last deploy would win, and removing ` +
      `either would delete it for both. Use another name, or give '${other.node.path}' the permissions instead.`);
  }
  for (const key of keys) byKey.set(key, owner);
}

function clusterKeys(cluster: IIrsaCluster): string[] {
  const keys = [`construct:${cluster.node.path}`];
  if (!hasNoOidcProvider(cluster) && !Token.isUnresolved(cluster.openIdConnectProviderIssuer)) keys.push(`issuer:${cluster.openIdConnectProviderIssuer}`);
  const stack = Stack.of(cluster);
  const { clusterName } = cluster;
  if (clusterName !== undefined && ![clusterName, stack.account, stack.region].some(v => Token.isUnresolved(v))) {
    keys.push(`cluster:${stack.account}/${stack.region}/${clusterName}`);
  }
  return keys;
}
