import fc from 'fast-check';
import { PROPERTY_RUNS } from '../support/arbitraries';
import { AppVersion, ManifestPlanner, sequenceArbitrary } from '../support/deploy-model/app-versions';
import { firstViolation } from '../support/deploy-model/invariants';
import { clusterManifestsPlanner, consecutivePartsPlanner } from '../support/deploy-model/planners';
import { ModelResource } from '../support/deploy-model/stack-update';

/*
 * Random sequences of app versions, each deployed over the last with the CloudFormation and kubectl handler models, in a
 * random dependency order and sometimes failing (then rolling back). After every single resource operation: no object
 * that both versions have is absent, no ServiceAccount names a role that does not exist, and no ServiceAccount of EKS
 * Pod Identity is applied before its association. After each deploy: the cluster holds exactly the new version's objects
 * (or, after a rollback, the old one's).
 */

/** The violation of the counterexample fast-check finds (and shrinks) for `planner`, or undefined. */
function counterexampleOf(planner: ManifestPlanner): string | undefined {
  const result = fc.check(fc.property(sequenceArbitrary, ([initial, changes, seed, failures]) =>
    firstViolation(planner, initial, changes, seed, failures) === undefined), PROPERTY_RUNS);
  if (!result.counterexample) return undefined;
  const [initial, changes, seed, failures] = result.counterexample[0];
  return firstViolation(planner, initial, changes, seed, failures);
}

describe('deploys never take away an object both versions have (deploy model)', () => {
  test('cdk-irsa\'s manifest plan keeps every invariant over random sequences of versions, orders and failures', () => {
    fc.assert(fc.property(sequenceArbitrary, ([initial, changes, seed, failures]) => {
      expect(firstViolation(clusterManifestsPlanner, initial, changes, seed, failures)).toBeUndefined();
    }), PROPERTY_RUNS);
  });

  describe('the model catches what main did before (consecutive parts of at most 200 KiB)', () => {
    test('a chart that shrinks to fewer parts: the last part\'s delete takes away an object that moved to an earlier part', () => {
      // GIVEN
      const settings = (name: string) => ({ kind: 'ConfigMap' as const, namespace: 'shop', name, chart: 'Irsa', large: true });
      const initial: AppVersion = {
        serviceAccounts: [{ namespace: 'shop', name: 'orders', chart: 'Irsa', roleGeneration: 0, identity: 'irsa' }],
        workloads: [settings('first'), settings('second')],
      };

      // WHEN
      const violation = firstViolation(consecutivePartsPlanner, initial, [{ type: 'remove-workload', index: 0 }], 1, []);

      // THEN
      expect(violation).toBe('deploy 1, cleanup delete Irsa.k8s.yaml/Resource2: /ConfigMap/shop/second is in both versions and absent');
      expect(firstViolation(clusterManifestsPlanner, initial, [{ type: 'remove-workload', index: 0 }], 1, [])).toBeUndefined();
    });

    test('random sequences find a broken invariant: a removed ServiceAccount stays (prune skips its kind) and names a deleted role', () => {
      expect(counterexampleOf(consecutivePartsPlanner)).toMatch(/^deploy \d+, cleanup delete Role:\S+: \/ServiceAccount\/\S+ names role \S+, which does not exist$/);
    });
  });

  /* The model has teeth: each planner below lacks one thing cdk-irsa's plan does, and random sequences find it. */
  const withResources = (change: (resource: ModelResource) => ModelResource): ManifestPlanner =>
    version => new Map([...clusterManifestsPlanner(version)].map(([id, resource]) => [id, change(resource)]));
  test.each<[string, ManifestPlanner, RegExp]>([
    ['not waiting for the association', withResources(r => ({ ...r, dependsOn: r.dependsOn.filter(d => !d.startsWith('Association:')) })),
      /ServiceAccount \S+ is applied before its EKS Pod Identity association names/],
    ['not waiting for the role', withResources(r => ({ ...r, dependsOn: r.dependsOn.filter(d => !d.startsWith('Role:')) })), /which does not exist/],
    ['not pruning shared resources', withResources(r => (r.type === 'manifest' ? { ...r, properties: { ...r.properties, pruneLabel: undefined } } : r)),
      /should be gone/],
  ])('a plan %s breaks an invariant', (_, planner, violation) => {
    expect(counterexampleOf(planner)).toMatch(violation);
  });
});
