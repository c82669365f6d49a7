import { Lazy, Token } from 'aws-cdk-lib';
import { deployTimeField, objectName } from '../../src/private/deploy-time-field';

const TOKEN = Lazy.string({ produce: () => 'later' });

describe('deployTimeField', () => {
  test('names the first field that holds a deploy-time value, as kubectl paths read', () => {
    const deployment = {
      spec: { template: { spec: { containers: [{ name: 'a', env: [{ name: 'X', value: 'x' }, { name: 'Y', value: `prefix-${TOKEN}` }] }] } } },
    };
    expect(deployTimeField(deployment)).toBe('spec.template.spec.containers[0].env[1].value');
  });

  test('quotes keys that are not plain names, and finds numbers, lists and keys that are tokens', () => {
    expect(deployTimeField({ metadata: { annotations: { 'eks.amazonaws.com/role-arn': TOKEN } } }))
      .toBe('metadata.annotations["eks.amazonaws.com/role-arn"]');
    expect(deployTimeField({ spec: { replicas: Token.asNumber(Lazy.number({ produce: () => 2 })) } })).toBe('spec.replicas');
    expect(deployTimeField({ spec: { args: Token.asList(Lazy.list({ produce: () => ['a'] })) } })).toBe('spec.args');
    expect(deployTimeField({ data: { [TOKEN]: 'v' } })).toBe(`data["${TOKEN}"] (its key)`);
  });

  test('finds nothing in an object of literal values', () => {
    expect(deployTimeField({ kind: 'ConfigMap', data: { a: 'b', n: [1, 2, { x: null }] } })).toBeUndefined();
  });
});

describe('objectName', () => {
  test('names namespaced and cluster-wide objects', () => {
    expect(objectName({ kind: 'ConfigMap', metadata: { namespace: 'shop', name: 'settings' } })).toBe('ConfigMap "shop/settings"');
    expect(objectName({ kind: 'ClusterRole', metadata: { name: 'reader' } })).toBe('ClusterRole "reader"');
  });
});
