import { BUCKETS, ManifestTier, planManifests } from '../../src/private/manifest-plan';

/* Where each object goes: by its identity alone, so no object ever moves to another manifest resource. */

const sa = (namespace: string, name: string) => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { namespace, name } });
const deployment = (namespace: string, name: string) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { namespace, name } });
const placement = (objects: any[]) => planManifests(objects).map(p => `${p.tier}/${p.id}${p.prunes ? ' (prunes)' : ''}: ` +
  p.objects.map(o => o.metadata.name).join(','));

describe('planManifests', () => {
  test('a resource per ServiceAccount, definition and kind kubectl does not prune; shared, pruning resources per namespace for the rest', () => {
    expect(placement([
      deployment('shop', 'web'),
      sa('shop', 'orders'),
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { namespace: 'shop', name: 'reader' } },
      { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' } },
      { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'disk' } },
      sa('ops', 'agent'),
    ])).toEqual([
      'Definitions/:Namespace::shop: shop',
      'Definitions/apiextensions.k8s.io:CustomResourceDefinition::widgets.example.com: widgets.example.com',
      'ServiceAccounts/ops:agent: agent',
      'ServiceAccounts/shop:orders: orders',
      expect.stringMatching(/^Objects\/:\d \(prunes\): disk$/),
      'Objects/rbac.authorization.k8s.io:Role:shop:reader: reader',
      expect.stringMatching(/^Objects\/shop:\d \(prunes\): web$/),
    ]);
  });

  test('an object\'s resource depends on nothing but the object: adding, removing and reordering others leaves it where it is', () => {
    const objects = Array.from({ length: 40 }, (_, i) => deployment(i % 2 ? 'shop' : 'ops', `app-${i}`));
    const where = (list: any[]) => new Map(planManifests(list).flatMap(p => p.objects.map(o => [`${o.metadata.namespace}/${o.metadata.name}`, `${p.tier}/${p.id}`])));
    const all = where(objects);
    const some = where([...objects].reverse().filter((_, i) => i % 3 !== 0));
    for (const [key, resource] of some) expect(resource).toBe(all.get(key));
    expect(new Set(all.values()).size).toBeGreaterThan(BUCKETS);
    expect(new Set(all.values()).size).toBeLessThanOrEqual(2 * BUCKETS);
  });

  test('IDs cannot collide: a namespace named like a kind, and the cluster-scoped bucket', () => {
    const ids = planManifests([
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'cluster', name: 'a' } },
      { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'a' } },
    ]).map(p => p.id);
    expect(new Set(ids).size).toBe(2);
    expect(planManifests([sa('a', 'b')])[0].tier).toBe(ManifestTier.SERVICE_ACCOUNTS);
  });
});
