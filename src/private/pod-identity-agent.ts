import { Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import { Construct, IConstruct } from 'constructs';
import { fail } from './construct-error';
import { POD_IDENTITY_AGENT_ADDON } from './irsa-constants';

/** The construct ID aws-cdk-lib gives the agent add-on it creates for an aws-eks (v1 or v2) Pod Identity ServiceAccount. */
const AWS_CDK_AGENT_ADDON_ID = 'EksPodIdentityAgentAddon';
const agentsByRoot = new WeakMap<IConstruct, Map<string, IConstruct>>();

/**
 * Adds the EKS Pod Identity Agent add-on (`eks-pod-identity-agent`) to a cluster, once: a second one for the same
 * cluster name, account and region in the app, or next to the one aws-cdk-lib adds for its own Pod Identity ServiceAccounts, would fail the
 * deployment (one add-on of a name per cluster).
 */
export function addPodIdentityAgent(scope: Construct, kind: string, clusterName: string, version: string | undefined,
  cluster: IConstruct | undefined): eks.CfnAddon {
  const root = scope.node.root;
  const claimed = agentsByRoot.get(root) ?? new Map<string, IConstruct>();
  agentsByRoot.set(root, claimed);
  // A cluster is its name in an account and region; deploy-time account or region tokens stand for one each.
  const stack = Stack.of(scope);
  const key = [stack.account, stack.region, clusterName].join('\u0000');
  const first = claimed.get(key);
  if (first) {
    fail(scope, kind, `'${first.node.path}' already adds the EKS Pod Identity Agent add-on to cluster ${clusterName}, and a cluster has ` +
      'one add-on of a name. Leave podIdentityAgent out here.');
  }
  claimed.set(key, scope);
  if (cluster) {
    // aws-cdk-lib creates its add-on lazily (for a ServiceAccount with identityType POD_IDENTITY), so look once the app is complete.
    scope.node.addValidation({
      validate: () => (cluster.node.tryFindChild(AWS_CDK_AGENT_ADDON_ID)
        ? [`cluster '${cluster.node.path}' already has the EKS Pod Identity Agent add-on, which aws-cdk-lib added for a ServiceAccount ` +
          'with identityType POD_IDENTITY, and a cluster has one add-on of a name. Leave podIdentityAgent out.']
        : []),
    });
  }
  return new eks.CfnAddon(scope, 'PodIdentityAgent', { clusterName, addonName: POD_IDENTITY_AGENT_ADDON, addonVersion: version });
}
