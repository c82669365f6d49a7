import { Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { defaultRoleName } from '../../src/private/default-role-name';
import { testApp } from '../support/app';

describe('defaultRoleName', () => {
  test('is the readable path in the app plus a hash of path and region', () => {
    const stack = new Stack(testApp(), 'Stack', { env: { region: 'eu-west-2' } });
    const name = defaultRoleName(new Construct(new Construct(stack, 'Irsa'), 'My_Service'));
    expect(name).toMatch(/^Stack-Irsa-MyService-[0-9A-F]{8}$/);
  });

  test('does not need a concrete region', () => {
    const stack = new Stack(testApp(), 'Stack');
    expect(defaultRoleName(new Construct(stack, 'Sa'))).toMatch(/^Stack-Sa-[0-9A-F]{8}$/);
  });

  test('tells apart paths whose readable parts are equal', () => {
    const stack = new Stack(testApp(), 'Stack');
    const a = defaultRoleName(new Construct(stack, 'a-b'));
    const b = defaultRoleName(new Construct(stack, 'ab'));
    expect(a.slice(0, -9)).toBe(b.slice(0, -9));
    expect(a).not.toBe(b);
  });

  test('keeps the end of a long path within 64 characters', () => {
    const stack = new Stack(testApp(), 'S'.repeat(100));
    const name = defaultRoleName(new Construct(stack, 'TheServiceAccount'));
    expect(name).toHaveLength(64);
    expect(name).toMatch(/^S+-TheServiceAccount-[0-9A-F]{8}$/);
  });
});
