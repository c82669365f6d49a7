import { Construct } from 'constructs';
import { fail } from '../../src/private/construct-error';

describe('fail', () => {
  test('throws the message after the construct\'s kind and path', () => {
    const scope = new Construct(new Construct(undefined as any, 'App'), 'Thing');
    expect(() => fail(scope, 'IrsaCluster', 'pass issuerUrl.')).toThrow(new Error("IrsaCluster 'App/Thing': pass issuerUrl."));
  });
});
