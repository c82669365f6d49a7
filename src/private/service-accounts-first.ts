import * as cdk8s from 'cdk8s';

/** A chart's pod mutating webhook: its objects, and the ServiceAccount its own Pods run as. */
interface PodMutator {
  readonly objects: cdk8s.ApiObject[];
  readonly serviceAccount: cdk8s.ApiObject;
}

const mutators = new WeakMap<cdk8s.Chart, PodMutator>();

/**
 * Records the objects of a webhook that mutates the chart's Pods (the pod identity webhook): they come before every
 * other ServiceAccount of the chart, and so before the Pods of those ServiceAccounts.
 */
export function claimMutatorOf(chart: cdk8s.Chart, objects: cdk8s.ApiObject[], serviceAccount: cdk8s.ApiObject): void {
  mutators.set(chart, { objects, serviceAccount });
}

/**
 * Orders every ServiceAccount of `chart` before the objects that run pods as it, whatever order they were created
 * in: the EKS pod identity webhook injects the role only into pods created after it sees the annotation.
 *
 * An object uses a ServiceAccount when a `serviceAccountName` field anywhere in it (a Pod's spec, the pod template of
 * a Deployment, Job or CronJob, or of a custom resource) names it, in the object's namespace. Each such object gets a
 * cdk8s dependency on that ServiceAccount alone, which `Chart.toJson()` (and so the file and the apply) honours:
 * one edge per use. A dependency on a scope holding all ServiceAccounts would not be cheaper: cdk8s expands it to
 * an edge to every ApiObject in the scope.
 *
 * A pod mutating webhook of the chart (claimMutatorOf) comes before all of them, but for the ServiceAccount of its own
 * Pods.
 *
 * Only objects other than ServiceAccounts are rendered to find their uses, so a chart of ServiceAccounts costs one
 * walk over its constructs.
 */
export function orderServiceAccountsFirst(chart: cdk8s.Chart): ServiceAccountElsewhere[] {
  const serviceAccounts = new Map<string, cdk8s.ApiObject[]>();
  const others: cdk8s.ApiObject[] = [];
  for (const construct of chart.node.findAll()) {
    if (!(construct instanceof cdk8s.ApiObject) || construct.chart !== chart) continue;
    if (construct.kind === 'ServiceAccount' && construct.apiVersion === 'v1') {
      const named = serviceAccounts.get(construct.name) ?? [];
      named.push(construct);
      serviceAccounts.set(construct.name, named);
    } else {
      others.push(construct);
    }
  }
  if (serviceAccounts.size === 0) return [];
  const mutator = mutators.get(chart);
  if (mutator) {
    for (const named of serviceAccounts.values()) {
      for (const serviceAccount of named) {
        if (serviceAccount !== mutator.serviceAccount) serviceAccount.addDependency(...mutator.objects);
      }
    }
  }
  const elsewhere: ServiceAccountElsewhere[] = [];
  for (const object of others) {
    const json = object.toJson();
    const namespace: string | undefined = json?.metadata?.namespace;
    for (const name of serviceAccountNames(json)) {
      const named = serviceAccounts.get(name) ?? [];
      for (const serviceAccount of named) {
        // Without a namespace the object lands in the namespace kubectl is pointed at: order it after each candidate.
        if (namespace === undefined || serviceAccount.metadata.namespace === namespace) object.addDependency(serviceAccount);
      }
      if (namespace !== undefined && named.length > 0 && !named.some(sa => sa.metadata.namespace === namespace)) {
        elsewhere.push({ object: `${object.kind} "${namespace}/${object.name}"`, name, namespace, namespaces: named.map(sa => sa.metadata.namespace ?? '') });
      }
    }
  }
  return elsewhere;
}

/** An object that runs as a ServiceAccount name the chart holds only in other namespaces: its pods get none of them. */
export interface ServiceAccountElsewhere {
  readonly object: string;
  readonly name: string;
  readonly namespace: string;
  readonly namespaces: string[];
}

/** Every string value of a `serviceAccountName` key in `value`, at any depth. */
export function serviceAccountNames(value: unknown, found: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) serviceAccountNames(item, found);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === 'serviceAccountName' && typeof item === 'string') found.add(item);
      else serviceAccountNames(item, found);
    }
  }
  return found;
}
