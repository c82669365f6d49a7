import { ManifestProperties, ModelCluster } from './kubectl-handler';

/*
 * A model of a CloudFormation stack update, as the CloudFormation User Guide describes it ("Update behaviors of stack
 * resources", "Monitor the progress of a stack update", "Stack failure options"): new and changed resources are created
 * and updated in dependency order (independent ones in any order, so the model picks one at random); a resource that
 * must be replaced is created anew there and its old copy deleted at the end; resources no longer in the template are
 * deleted in the cleanup phase, after every create and update, dependents first. When a create or update fails, the
 * update rolls back: what was updated (the failed resource too) is updated back to its old properties and what was
 * created is deleted, in reverse order; the cleanup phase never runs.
 */

/** A resource of the model's templates: an IAM role, an EKS Pod Identity association, or a manifest resource. */
export type ModelResource =
  | { readonly type: 'role'; readonly roleName: string; readonly dependsOn: readonly string[] }
  | { readonly type: 'association'; readonly serviceAccount: string; readonly roleName: string; readonly dependsOn: readonly string[] }
  | { readonly type: 'manifest'; readonly properties: ManifestProperties; readonly dependsOn: readonly string[] };

/** Resources by logical ID. */
export type ModelTemplate = ReadonlyMap<string, ModelResource>;

/** What exists in AWS and in the cluster. */
export interface ModelWorld {
  readonly cluster: ModelCluster;
  /** Role names. */
  readonly roles: Set<string>;
  /** `<namespace>/<name>` of a ServiceAccount to the name of its association's role. */
  readonly associations: Map<string, string>;
}

export type DeployPhase = 'update' | 'cleanup' | 'rollback';

/** One resource operation, as the model performed it. */
export interface DeployStep {
  readonly phase: DeployPhase;
  readonly logicalId: string;
  readonly operation: 'create' | 'update' | 'delete';
  /** The resource's properties the operation used. */
  readonly resource: ModelResource;
}

export interface DeployOptions {
  /** A number in [0, 1): picks among the resources that may go next. */
  readonly random: () => number;
  /** Makes the n-th create or update of the update phase fail before it does anything (a timeout, a throttled API). */
  readonly failAt?: number;
  /** Called after every operation, with the world as it is then. */
  readonly observe: (step: DeployStep, world: ModelWorld) => void;
}

export type DeployOutcome = 'UPDATE_COMPLETE' | 'UPDATE_ROLLBACK_COMPLETE';

/** Deploys `next` over `previous` (an empty map for a new stack). */
export function deploy(world: ModelWorld, previous: ModelTemplate, next: ModelTemplate, options: DeployOptions): DeployOutcome {
  const changed = [...next.keys()].filter(id => !previous.has(id) || propertiesOf(previous.get(id)!) !== propertiesOf(next.get(id)!));
  const done: Array<{ id: string; operation: 'create' | 'update' | 'replace' }> = [];
  let count = 0;
  for (const id of inDependencyOrder(changed, next, options.random)) {
    const old = previous.get(id);
    const resource = next.get(id)!;
    const operation = old === undefined ? 'create' : replaces(old, resource) ? 'replace' : 'update';
    try {
      if (count++ === options.failAt) throw new Error('injected failure');
      perform(world, operation === 'update' ? 'update' : 'create', resource);
      done.push({ id, operation });
      options.observe({ phase: 'update', logicalId: id, operation: operation === 'update' ? 'update' : 'create', resource }, world);
    } catch {
      // The failed resource is rolled back with the rest.
      done.push({ id, operation });
      rollBack(world, previous, next, done, options);
      return 'UPDATE_ROLLBACK_COMPLETE';
    }
  }
  const removed = [...previous.keys()].filter(id => !next.has(id));
  const replacedRoles = done.filter(d => d.operation === 'replace').map(d => d.id);
  for (const id of [...inDependencyOrder(removed, previous, options.random, 'dependents first'), ...replacedRoles]) {
    const resource = previous.get(id)!;
    perform(world, 'delete', resource);
    options.observe({ phase: 'cleanup', logicalId: id, operation: 'delete', resource }, world);
  }
  return 'UPDATE_COMPLETE';
}

function rollBack(world: ModelWorld, previous: ModelTemplate, next: ModelTemplate, done: Array<{ id: string; operation: string }>,
  options: DeployOptions): void {
  for (const { id, operation } of [...done].reverse()) {
    const resource = next.get(id)!;
    const old = previous.get(id);
    if (operation === 'update') {
      perform(world, 'update', old!);
      options.observe({ phase: 'rollback', logicalId: id, operation: 'update', resource: old! }, world);
    } else {
      // A create (or the new copy of a replaced resource) is deleted; handler errors are ignored on delete.
      perform(world, 'delete', resource);
      options.observe({ phase: 'rollback', logicalId: id, operation: 'delete', resource }, world);
    }
  }
}

/** What one operation does: IAM and EKS do as asked; a manifest resource goes through the kubectl handler. */
function perform(world: ModelWorld, operation: 'create' | 'update' | 'delete', resource: ModelResource): void {
  switch (resource.type) {
    case 'role':
      if (operation === 'delete') world.roles.delete(resource.roleName);
      else world.roles.add(resource.roleName);
      return;
    case 'association':
      if (operation === 'delete') world.associations.delete(resource.serviceAccount);
      else world.associations.set(resource.serviceAccount, resource.roleName);
      return;
    case 'manifest':
      if (operation === 'create') world.cluster.create(resource.properties);
      else if (operation === 'update') world.cluster.update(resource.properties);
      // The Delete request carries the properties of the last successful deploy.
      else world.cluster.delete(resource.properties);
      return;
  }
}

/** A role whose name changes is replaced (RoleName: "Update requires: Replacement"); the rest is updated in place. */
function replaces(old: ModelResource, resource: ModelResource): boolean {
  return old.type === 'role' && resource.type === 'role' && old.roleName !== resource.roleName;
}

/** The properties CloudFormation compares; DependsOn alone changes nothing. */
function propertiesOf(resource: ModelResource): string {
  const { dependsOn, ...properties } = resource;
  void dependsOn;
  return JSON.stringify(properties);
}

/**
 * `ids` in an order the template allows: each after the resources of `ids` it depends on (or, for deletes, after those
 * that depend on it), choosing at random among those that may go next.
 */
function inDependencyOrder(ids: string[], template: ModelTemplate, random: () => number, direction: 'dependencies first' | 'dependents first' = 'dependencies first'): string[] {
  const pending = new Set(ids);
  const blockers = (id: string) => (direction === 'dependencies first'
    ? template.get(id)!.dependsOn.filter(d => pending.has(d))
    : [...pending].filter(other => template.get(other)!.dependsOn.includes(id)));
  const order: string[] = [];
  while (pending.size > 0) {
    const ready = [...pending].filter(id => blockers(id).length === 0);
    if (ready.length === 0) throw new Error(`dependency cycle among ${[...pending].join(', ')}`);
    const chosen = ready[Math.floor(random() * ready.length)];
    pending.delete(chosen);
    order.push(chosen);
  }
  return order;
}
