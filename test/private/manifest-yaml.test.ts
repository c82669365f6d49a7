import * as cdk8s from 'cdk8s';
import * as fc from 'fast-check';
import { stringifyManifests } from '../../src/private/manifest-yaml';

/** Characters that make YAML quote, escape, fold or re-type a string, and ones it leaves alone. */
const TRICKY = [
  'a', 'Z', 'y', 'n', '0', '7', '-', '_', '.', '/', ':', '@', '+', '=', ' ', '#', '!', '&', '*', '?', '|', '>', '%',
  '\'', '"', ',', '[', ']', '{', '}', '`', '~', '$', '\\', '\n', '\t', 'é', '\u0000',
];
const WORDS = [
  'yes', 'No', 'ON', 'off', 'y', 'N', 'true', 'False', 'null', 'Null', '~', '0755', '0x1F', '1_000', '1:20', '1e3', '.inf',
  '.NaN', 'e5', 'E-3', 'e', '2001-12-14', '<<', '=', '-', 'arn:aws:iam::123456789012:role/x', 'https://oidc.example.com/id/X', 'a:', 'a: b',
  'a #b', 'sa-0', 'eks.amazonaws.com/role-arn', '${Token[TOKEN.12]}', '', 'x'.repeat(1001), 'y'.repeat(1000),
];
const string = fc.oneof(
  fc.constantFrom(...WORDS),
  fc.string({ unit: fc.constantFrom(...TRICKY), maxLength: 6 }),
  fc.string({ maxLength: 12 }),
);
const scalar = fc.oneof(
  string, fc.integer(), fc.boolean(), fc.constant(null), fc.double(), fc.constant(-0),
  fc.constant(Number.MAX_SAFE_INTEGER + 2), fc.constant(undefined),
);
const { doc } = fc.letrec<{ value: unknown; doc: Record<string, unknown> }>(tie => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('doc'), fc.array(tie('value'), { maxLength: 3 })),
  doc: fc.dictionary(string, tie('value'), { maxKeys: 4 }),
}));
/** Kubernetes-shaped documents, which the fast path writes itself (names YAML reads as booleans or numbers aside). */
const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/)
  .filter(s => !['yes', 'no', 'on', 'off', 'true', 'false', 'null'].includes(s) && !/^e-?[0-9]+$/.test(s));
const manifest = fc.record({
  apiVersion: fc.constant('v1'),
  kind: fc.constantFrom('ServiceAccount', 'Deployment'),
  metadata: fc.record({
    name,
    namespace: name,
    annotations: fc.dictionary(fc.constantFrom('eks.amazonaws.com/role-arn', 'example.com/team'), name),
    labels: fc.dictionary(name, name),
  }),
  spec: fc.record({
    replicas: fc.nat(),
    containers: fc.array(fc.record({ name, args: fc.array(name), ports: fc.array(fc.record({ containerPort: fc.nat(65535) })) })),
  }),
  automountServiceAccountToken: fc.boolean(),
});

describe('stringifyManifests', () => {
  test('writes what cdk8s.Yaml.stringify writes, for any JSON-like documents', () => {
    fc.assert(fc.property(fc.array(fc.oneof(doc, fc.constant(undefined), fc.constant([]), fc.constant({})), { maxLength: 3 }), docs => {
      expect(stringifyManifests(docs)).toBe(cdk8s.Yaml.stringify(...docs));
    }), { numRuns: 2000 });
  });

  test('writes Kubernetes-shaped manifests itself, as cdk8s does', () => {
    const cdk8sStringify = jest.spyOn(cdk8s.Yaml, 'stringify');
    fc.assert(fc.property(fc.array(manifest, { minLength: 1, maxLength: 3 }), docs => {
      cdk8sStringify.mockClear();
      const fast = stringifyManifests(docs);
      expect(cdk8sStringify).not.toHaveBeenCalled();
      expect(fast).toBe(cdk8s.Yaml.stringify(...docs));
    }), { numRuns: 300 });
    cdk8sStringify.mockRestore();
  });

  test('writes a ServiceAccount as the README shows', () => {
    // GIVEN
    const serviceAccount = {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/IrsaExample-Irsa-CanDoStuff-D7CEF3DA' },
        name: 'can-do-stuff-on-aws',
        namespace: 'testing',
      },
      automountServiceAccountToken: false,
    };

    // THEN
    expect(stringifyManifests([serviceAccount])).toBe([
      'apiVersion: v1',
      'kind: ServiceAccount',
      'metadata:',
      '  annotations:',
      '    eks.amazonaws.com/role-arn: arn:aws:iam::123456789012:role/IrsaExample-Irsa-CanDoStuff-D7CEF3DA',
      '  name: can-do-stuff-on-aws',
      '  namespace: testing',
      'automountServiceAccountToken: false',
      '',
    ].join('\n'));
  });

  test('leaves a document with a token to cdk8s, so the token stays detectable', () => {
    const docs = [{ kind: 'ConfigMap', data: { bucket: '${Token[TOKEN.42]}' } }];
    expect(stringifyManifests(docs)).toBe(cdk8s.Yaml.stringify(...docs));
    expect(stringifyManifests(docs)).toContain('${Token[TOKEN.42]}');
  });

  test('leaves objects that appear twice to cdk8s, which writes an anchor and an alias', () => {
    const shared = { app: 'web' };
    const empty = {};
    for (const docs of [[{ kind: 'Service', a: shared, b: shared }], [{ kind: 'Service', a: [empty], b: empty }], [{ a: [shared, shared] }]]) {
      expect(stringifyManifests(docs)).toBe(cdk8s.Yaml.stringify(...docs));
    }
    expect(stringifyManifests([{ kind: 'Service', a: shared, b: shared }])).toContain('*a1');
  });

  test('writes no documents as an empty string', () => {
    expect(stringifyManifests([])).toBe('');
  });
});
