import { Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { fail } from './construct-error';
import { AnyEksCluster } from './eks-cluster';

/*
 * IAM keeps one OIDC provider per issuer URL per account: a second `AWS::IAM::OIDCProvider` for the same URL fails
 * the deployment with EntityAlreadyExists, after everything before it was created. These checks catch the usual
 * ways to end up with two at synth time instead.
 */

const providersByRoot = new WeakMap<IConstruct, Map<string, IConstruct>>();

/** Fails when another IrsaCluster of the app already creates a provider for `issuerUrl` in the same account. */
export function claimIssuer(scope: IConstruct, kind: string, issuerUrl: string): void {
  if (Token.isUnresolved(issuerUrl)) return;
  const root = scope.node.root;
  const claimed = providersByRoot.get(root) ?? new Map<string, IConstruct>();
  providersByRoot.set(root, claimed);
  const account = Stack.of(scope).account;
  const key = `${account}\u0000${issuerUrl}`;
  const first = claimed.get(key);
  if (first) {
    fail(scope, kind, `IrsaCluster '${first.node.path}' already creates the IAM OIDC provider for ${issuerUrl} ` +
      `in ${Token.isUnresolved(account) ? 'the same account' : `account ${account}`}, and IAM allows one per issuer. ` +
      'Use that IrsaCluster for this ServiceAccount too, or IrsaCluster.fromOidcProviderArn() in another app.');
  }
  claimed.set(key, scope);
}

/**
 * The path of an OIDC provider that aws-cdk-lib already creates or imports for `cluster`, if any. For a cluster
 * defined in the app, `cluster.openIdConnectProvider` would create one, so only existing children are looked at.
 */
export function existingProviderOf(cluster: AnyEksCluster): string | undefined {
  if ((cluster as { clusterOpenIdConnectIssuerUrl?: string }).clusterOpenIdConnectIssuerUrl !== undefined) {
    const created = cluster.node.tryFindChild('OpenIdConnectProvider') ?? cluster.node.tryFindChild('OidcProviderNative');
    return created?.node.path;
  }
  // An imported cluster's getter throws when it was given no provider, and even a caught aws-cdk-lib ValidationError
  // writes its code to cdk.out/error.txt under the CLI, which reads like a failed synth. Both modules' imported
  // clusters keep the attributes they were given, so read the provider from those; a cluster class of the user's own
  // counts when it has the provider as a plain property (a getter might throw too).
  const attributes = (cluster as { props?: { openIdConnectProvider?: IConstruct } }).props;
  if (attributes !== null && typeof attributes === 'object') return attributes.openIdConnectProvider?.node.path;
  return ownProperty<IConstruct>(cluster, 'openIdConnectProvider')?.node.path;
}

/** The value of a property that is data on the object or its prototypes, without calling a getter. */
function ownProperty<T>(object: object, name: string): T | undefined {
  for (let o: object | null = object; o !== null; o = Object.getPrototypeOf(o)) {
    const descriptor = Object.getOwnPropertyDescriptor(o, name);
    if (descriptor) return 'value' in descriptor ? descriptor.value : undefined;
  }
  return undefined;
}

/** Validation for an IrsaCluster built on `cluster`: the cluster must not have a provider of its own. */
export function validateNoClusterProvider(cluster: AnyEksCluster): string[] {
  const existing = existingProviderOf(cluster);
  if (existing === undefined) return [];
  return [`cluster '${cluster.node.path}' already has an IAM OIDC provider ('${existing}'), and IAM allows one per issuer. ` +
    'Use it instead of creating another: IrsaCluster.fromIrsaClusterAttributes(scope, id, { openIdConnectProviderArn: ' +
    'cluster.openIdConnectProvider.openIdConnectProviderArn, kubectlCluster: cluster }).'];
}
