import { IConstruct } from 'constructs';
import { AnyEksCluster } from './eks-cluster';

/*
 * Why an IrsaCluster applies no manifests on deploy, kept as the sentence that tells the user how to make it apply
 * them. A chart that cannot be written to a file (it holds deploy-time values) is an error, and the fix depends on
 * which of the reasons holds: no cluster given, a cluster without kubectl access, or applyManifests: false.
 */

const adviceByIrsaCluster = new WeakMap<IConstruct, string>();

/** What "kubectl access" means for a cluster of either aws-cdk-lib module, and how to give it. */
export function kubectlAccessAdvice(cluster: AnyEksCluster, eksV2: boolean): string {
  const how = eksV2
    ? 'define or import it with kubectlProviderOptions (a kubectlLayer, and a role allowed to apply manifests in the cluster ' +
      'through an access entry), or import it with kubectlProvider'
    : 'import it with kubectlRoleArn (a role allowed to apply manifests in the cluster, through aws-auth or an access entry) ' +
      'and kubectlLayer (a Lambda layer with kubectl, such as KubectlV33Layer from @aws-cdk/lambda-layer-kubectl-v33), or with kubectlProvider';
  return `give cluster '${cluster.node.path}' kubectl access, which aws-cdk-lib needs to run kubectl on deploy: ${how}.`;
}

/** Records why `irsaCluster` applies no manifests, as advice that completes "To apply the chart on deploy, …". */
export function recordHowToApplyManifests(irsaCluster: IConstruct, advice: string): void {
  adviceByIrsaCluster.set(irsaCluster, advice);
}

/** How to make `irsaCluster` apply its ServiceAccounts' charts on deploy, as a sentence. */
export function howToApplyManifests(irsaCluster: IConstruct): string {
  const advice = adviceByIrsaCluster.get(irsaCluster) ?? `give '${irsaCluster.node.path}' a kubectlCluster (an eks.ICluster with kubectl access).`;
  return `To apply the chart on deploy instead, ${advice}`;
}
