import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { ensureBuilt } from '../../lab/kube/go-build';
import { KubeLab } from '../../lab/kube/kube-lab';
import { PROPERTY_RUNS } from '../support/arbitraries';
import { AppVersion, Change, ManifestPlanner, sequenceArbitrary } from '../support/deploy-model/app-versions';
import { firstViolation } from '../support/deploy-model/invariants';
import { KubectlFailure, ManifestProperties, ModelCluster, objectKey } from '../support/deploy-model/kubectl-handler';
import { clusterManifestsPlanner, consecutivePartsPlanner } from '../support/deploy-model/planners';
import { testDirectory } from '../support/test-directory';

/*
 * The deploy model's kubectl handler against Kubernetes itself: sequences of app versions deployed in lockstep on the
 * model and on the lab's real kube-apiserver, with the handler's exact kubectl commands (`create --save-config`, or
 * `apply` with Overwrite; `apply --prune -l <label>`; `delete -f`), kubectl built from the pinned k8s.io/kubectl. After
 * every request, the objects the handler made (those with a last-applied annotation) and their prune labels must be
 * the model's, and a request must fail on both or on neither.
 */

const KINDS = 'serviceaccounts,configmaps,deployments.apps';
const NAMESPACES = ['shop', 'ops'];
const PRUNE_LABEL = 'aws.cdk.eks/prune-';

/** The model's cluster, doing each request on the lab's cluster too and recording where the two differ. */
class LockstepCluster extends ModelCluster {
  public readonly differences: string[] = [];
  private requests = 0;

  constructor(private readonly kubectl: (args: string[]) => void, private readonly live: () => Map<string, string[]>, private readonly dir: string) {
    super();
  }

  public create(properties: ManifestProperties): void {
    this.both('create', properties, () => super.create(properties),
      file => this.kubectl(properties.overwrite ? ['apply', '-f', file] : ['create', '--save-config', '-f', file]));
  }

  public update(properties: ManifestProperties): void {
    this.both('update', properties, () => super.update(properties),
      file => this.kubectl(['apply', '-f', file, ...(properties.pruneLabel ? ['--prune', '-l', properties.pruneLabel] : [])]));
  }

  public delete(properties: ManifestProperties): void {
    this.both('delete', properties, () => super.delete(properties), file => {
      try {
        this.kubectl(['delete', '-f', file]);
      } catch {
        // The handler ignores delete errors (objects already gone).
      }
    });
  }

  private both(verb: string, properties: ManifestProperties, model: () => void, real: (file: string) => void): void {
    // The manifest as the handler writes it: the objects, labelled as aws-eks labels them, as a stream of JSON objects.
    const file = path.join(this.dir, `manifest-${this.requests++}.json`);
    const labels = properties.pruneLabel ? { [properties.pruneLabel]: '' } : {};
    fs.writeFileSync(file, properties.objects.map(o => JSON.stringify({ ...o, metadata: { ...o.metadata, labels } })).join(''));
    const outcome = (run: () => void) => {
      try {
        run();
        return 'ok';
      } catch (error) {
        return error instanceof KubectlFailure || /kubectl/.test(String(error)) ? 'failed' : `threw ${error}`;
      }
    };
    const modelOutcome = outcome(model);
    const realOutcome = outcome(() => real(file));
    const expected = new Map([...this.objects].map(([key, live]) => [key, Object.keys(live.labels).sort()]));
    const actual = this.live();
    const shown = (state: Map<string, string[]>) => JSON.stringify([...state].sort());
    if (modelOutcome !== realOutcome || shown(expected) !== shown(actual)) {
      this.differences.push(`${verb} of ${properties.objects.map(objectKey).join(', ')}: model ${modelOutcome} ${shown(expected)}, ` +
        `kubectl ${realOutcome} ${shown(actual)}`);
    }
    if (modelOutcome === 'failed') throw new KubectlFailure(`${verb} failed`);
  }
}

describe('the deploy model\'s kubectl handler matches kubectl and kube-apiserver', () => {
  let lab: KubeLab;
  let binary: string;
  beforeAll(async () => {
    lab = await KubeLab.start({ webhook: false });
    binary = ensureBuilt().controlPlane;
    for (const namespace of NAMESPACES) kubectl(['create', 'namespace', namespace]);
  });
  afterAll(async () => lab?.close());

  function kubectl(args: string[]): string {
    try {
      return execFileSync(binary, ['kubectl', '--kubeconfig', lab.kubeconfig, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error: any) {
      throw new Error(`kubectl ${args.join(' ')}: ${error.stderr ?? error}`);
    }
  }

  /** The objects the handler made, by the model's key, with their prune labels. */
  function live(): Map<string, string[]> {
    const items = JSON.parse(kubectl(['get', KINDS, '-A', '-o', 'json'])).items as any[];
    return new Map(items.filter(o => o.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'] !== undefined)
      .map(o => [objectKey(o), Object.keys(o.metadata.labels ?? {}).filter(l => l.startsWith(PRUNE_LABEL)).sort()]));
  }

  /** Replays one sequence in lockstep and removes what it made; returns the model's verdict and the differences. */
  function replay(planner: ManifestPlanner, initial: AppVersion, changes: Change[], seed: number, failures: Array<number | undefined>) {
    const cluster = new LockstepCluster(args => kubectl(args), live, testDirectory('replay'));
    const violation = firstViolation(planner, initial, changes, seed, failures, cluster);
    for (const namespace of NAMESPACES) kubectl(['delete', KINDS, '--all', '-n', namespace, '--wait']);
    return { violation, differences: cluster.differences };
  }

  test('a chart that shrinks to fewer parts (main before issue 21): kubectl deletes the object that moved, as the model says', () => {
    const settings = (name: string) => ({ kind: 'ConfigMap' as const, namespace: 'shop', name, chart: 'Irsa', large: true });
    const initial: AppVersion = {
      serviceAccounts: [{ namespace: 'shop', name: 'orders', chart: 'Irsa', roleGeneration: 0, identity: 'irsa' }],
      workloads: [settings('first'), settings('second')],
    };
    const { violation, differences } = replay(consecutivePartsPlanner, initial, [{ type: 'remove-workload', index: 0 }], 1, []);
    expect(differences).toEqual([]);
    expect(violation).toMatch(/cleanup delete Irsa\.k8s\.yaml\/Resource2: \/ConfigMap\/shop\/second is in both versions and absent$/);
  });

  test('a ServiceAccount removed from a chart that stays (main before issue 21): prune leaves it, as the model says', () => {
    const initial: AppVersion = {
      serviceAccounts: [{ namespace: 'shop', name: 'orders', chart: 'workloads', roleGeneration: 0, identity: 'irsa' }],
      workloads: [{ kind: 'Deployment', namespace: 'shop', name: 'web', chart: 'workloads', large: false }],
    };
    const { violation, differences } = replay(consecutivePartsPlanner, initial, [{ type: 'remove-service-account', index: 0 }], 0, []);
    expect(differences).toEqual([]);
    expect(violation).toMatch(/names role \S+, which does not exist$/);
  });

  test('random sequences of cdk-irsa\'s plan, in random orders and with rollbacks, keep the invariants on a real cluster', () => {
    for (const [initial, changes, seed, failures] of fc.sample(sequenceArbitrary, { seed: PROPERTY_RUNS.seed, numRuns: 8 })) {
      const { violation, differences } = replay(clusterManifestsPlanner, initial, changes, seed, failures);
      expect(differences).toEqual([]);
      expect(violation).toBeUndefined();
    }
  });
});
