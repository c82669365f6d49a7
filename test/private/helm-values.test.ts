import { mergeHelmValues } from '../../src/private/helm-values';

describe('mergeHelmValues', () => {
  test('merges nested objects key by key, keeping the other values', () => {
    const { merged, conflicts } = mergeHelmValues(
      { replicaCount: 2, serviceAccount: { labels: { team: 'platform' } } },
      { serviceAccount: { create: true, name: 'controller' } },
    );
    expect(merged).toEqual({ replicaCount: 2, serviceAccount: { labels: { team: 'platform' }, create: true, name: 'controller' } });
    expect(conflicts).toEqual([]);
  });

  test('reports a leaf set to another value, by its dotted path', () => {
    const { conflicts } = mergeHelmValues({ serviceAccount: { name: 'other', create: true } }, { serviceAccount: { name: 'controller', create: true } });
    expect(conflicts).toEqual(['serviceAccount.name']);
  });
});
