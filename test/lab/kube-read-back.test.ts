import { firstDifference, refusalNames } from '../../lab/kube/manifest-check';
import { quantityValue, sameQuantity } from '../../lab/kube/quantity';

describe('reading a manifest back from the API server', () => {
  test('what the API server normalizes is not a difference', () => {
    const written = { spec: { minReadySeconds: 0, externalIPs: [], hostNetwork: false, selector: {}, resources: { limits: { memory: '2048Mi', cpu: '0.5' } } } };
    const stored = { spec: { resources: { limits: { memory: '2Gi', cpu: '500m' } } } };

    expect(firstDifference(written, stored, '')).toBeUndefined();
  });

  test('a value stored otherwise, or dropped, is', () => {
    expect(firstDifference({ metadata: { name: 'a', labels: { app: 'x' } } }, { metadata: { name: 'a', labels: { app: 'y' } } }, ''))
      .toBe('.metadata.labels.app: "x" was stored as "y"');
    expect(firstDifference({ spec: { containers: [{ name: 'a' }, { name: 'b' }] } }, { spec: { containers: [{ name: 'a' }] } }, ''))
      .toBe('.spec.containers[1]: {"name":"b"} was stored as undefined');
    expect(firstDifference({ automountServiceAccountToken: false }, { automountServiceAccountToken: true }, ''))
      .toBe('.automountServiceAccountToken: false was stored as true');
    expect(firstDifference({ memory: '2Gi' }, { memory: '2G' }, '')).toBe('.memory: "2Gi" was stored as "2G"');
  });

  test('quantities have the values Kubernetes gives them', () => {
    expect(quantityValue('2Gi')).toBe(2 * 2 ** 30);
    expect(quantityValue('500m')).toBe(0.5);
    expect(quantityValue('1e3')).toBe(1000);
    expect(quantityValue('1.5k')).toBe(1500);
    expect(quantityValue('sts.amazonaws.com')).toBeUndefined();
    expect(sameQuantity('1024Ki', '1Mi')).toBe(true);
    expect(sameQuantity('1', 'one')).toBe(false);
  });

  test('a refusal names the object by quoting its name or by namespace/name and kind', () => {
    const object = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'x', namespace: 'ns' } };
    expect(refusalNames('The ServiceAccount "x" is invalid: metadata.name', object)).toBe(true);
    expect(refusalNames('failed to create typed patch object (ns/x; /v1, Kind=ServiceAccount): .a: field not declared', object)).toBe(true);
    expect(refusalNames('The ServiceAccount "y" is invalid', object)).toBe(false);
  });
});
