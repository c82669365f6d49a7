import * as fc from 'fast-check';
import { evaluateConditions, globToRegExp } from '../../src/private/policy-conditions';

// pbac (MIT) is an independent implementation of IAM policy evaluation; it has no type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const PBAC = require('pbac');

const ISSUER = 'oidc.eks.eu-west-2.amazonaws.com/id/ABC';
const SUB = `${ISSUER}:sub`;
const AUD = `${ISSUER}:aud`;

function holds(condition: any, context: Record<string, string[]>): boolean {
  return evaluateConditions(condition, context).length === 0;
}

describe('evaluateConditions', () => {
  const context = { [SUB]: ['system:serviceaccount:testing:app'], [AUD]: ['sts.amazonaws.com'] };

  test.each([
    ['exact sub and aud', { StringEquals: { [SUB]: 'system:serviceaccount:testing:app', [AUD]: 'sts.amazonaws.com' } }, true],
    ['one of several subjects', { StringEquals: { [SUB]: ['system:serviceaccount:a:b', 'system:serviceaccount:testing:app'] } }, true],
    ['another subject', { StringEquals: { [SUB]: 'system:serviceaccount:testing:other' } }, false],
    ['every key must hold', { StringEquals: { [SUB]: 'system:serviceaccount:testing:app', [AUD]: 'vault' } }, false],
    ['every operator must hold', { StringEquals: { [SUB]: 'system:serviceaccount:testing:app' }, StringLike: { [AUD]: 'x*' } }, false],
    ['keys are case-insensitive', { StringEquals: { [SUB.toUpperCase()]: 'system:serviceaccount:testing:app' } }, true],
    ['values are case-sensitive', { StringEquals: { [SUB]: 'system:serviceaccount:Testing:app' } }, false],
    ['ignore-case operator', { StringEqualsIgnoreCase: { [SUB]: 'SYSTEM:serviceaccount:Testing:app' } }, true],
    ['a namespace wildcard', { StringLike: { [SUB]: 'system:serviceaccount:testing:*' } }, true],
    ['a single-character wildcard', { StringLike: { [SUB]: 'system:serviceaccount:testin?:app' } }, true],
    ['StringEquals takes * literally', { StringEquals: { [SUB]: 'system:serviceaccount:testing:*' } }, false],
    ['StringNotEquals with a value', { StringNotEquals: { [SUB]: 'system:serviceaccount:testing:other' } }, true],
    ['StringNotEquals with the value', { StringNotEquals: { [SUB]: ['system:serviceaccount:x:y', 'system:serviceaccount:testing:app'] } }, false],
    ['StringNotLike', { StringNotLike: { [SUB]: 'system:serviceaccount:kube-system:*' } }, true],
    ['a missing key fails a positive operator', { StringEquals: { [`${ISSUER}:amr`]: 'x' } }, false],
    ['a missing key passes a negated operator', { StringNotEquals: { [`${ISSUER}:amr`]: 'x' } }, true],
    ['IfExists passes a missing key', { StringEqualsIfExists: { [`${ISSUER}:amr`]: 'x' } }, true],
    ['IfExists checks a present key', { StringEqualsIfExists: { [SUB]: 'x' } }, false],
    ['Null true wants the key absent', { Null: { [`${ISSUER}:amr`]: 'true' } }, true],
    ['Null false wants the key present', { Null: { [SUB]: 'false' } }, true],
    ['Null true fails a present key', { Null: { [SUB]: 'true' } }, false],
    ['ForAnyValue with a missing key', { 'ForAnyValue:StringEquals': { [`${ISSUER}:amr`]: 'x' } }, false],
    ['ForAllValues with a missing key (vacuously true)', { 'ForAllValues:StringEquals': { [`${ISSUER}:amr`]: 'x' } }, true],
    ['an unknown operator fails closed', { NumericLessThan: { [SUB]: '1' } }, false],
    ['no condition', undefined, true],
  ])('%s', (_, condition, expected) => {
    expect(holds(condition, context)).toBe(expected);
  });

  test('reports the failing operator, key, wanted and actual values', () => {
    expect(evaluateConditions({ StringEquals: { [SUB]: 'system:serviceaccount:testing:other' } }, context)).toEqual([{
      operator: 'StringEquals',
      key: SUB,
      policyValues: ['system:serviceaccount:testing:other'],
      requestValues: ['system:serviceaccount:testing:app'],
    }]);
  });

  test('ForAllValues needs every request value to match', () => {
    const multi = { [AUD]: ['sts.amazonaws.com', 'vault'] };
    expect(holds({ 'ForAllValues:StringEquals': { [AUD]: ['sts.amazonaws.com', 'vault', 'x'] } }, multi)).toBe(true);
    expect(holds({ 'ForAllValues:StringEquals': { [AUD]: ['sts.amazonaws.com'] } }, multi)).toBe(false);
    expect(holds({ 'ForAnyValue:StringEquals': { [AUD]: ['vault'] } }, multi)).toBe(true);
  });

  test('glob patterns escape regular-expression characters', () => {
    expect(globToRegExp('a.b(c)+*').test('a.b(c)+anything')).toBe(true);
    expect(globToRegExp('a.b').test('axb')).toBe(false);
  });
});

describe('agrees with pbac, an independent IAM evaluator', () => {
  // pbac checks one key per operator and has no notion of a missing key, and its negated operators differ
  // from IAM when a condition lists several values; the cross-check covers the cases both define the same way.
  const positive = ['StringEquals', 'StringLike', 'StringEqualsIgnoreCase', 'StringEqualsIfExists', 'StringLikeIfExists',
    'ForAnyValue:StringEquals', 'ForAnyValue:StringLike', 'ForAllValues:StringEquals', 'ForAllValues:StringLike'];
  const negated = ['StringNotEquals', 'StringNotLike', 'StringNotEqualsIgnoreCase'];
  // A small alphabet with wildcards, so generated values and patterns often match. Not empty: pbac uses
  // Array.find's result as a boolean, so an empty string never matches there.
  const text = fc.string({ unit: fc.constantFrom('a', 'B', 'b', ':', '*', '?'), minLength: 1, maxLength: 5 });

  function pbacHolds(operator: string, key: string, values: string[], requestValue: string): boolean {
    const pbac = new PBAC({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['sts:AssumeRoleWithWebIdentity'], Condition: { [operator]: { [key]: values } } }],
    }, { validatePolicies: false });
    const [issuer, name] = [key.slice(0, key.lastIndexOf(':')), key.slice(key.lastIndexOf(':') + 1)];
    return pbac.evaluate({ action: 'sts:AssumeRoleWithWebIdentity', context: { [issuer]: { [name]: requestValue } } });
  }

  test('for positive operators with one or more values', () => {
    fc.assert(fc.property(fc.constantFrom(...positive), fc.array(text, { minLength: 1, maxLength: 3 }), text, (operator, values, requestValue) => {
      expect(holds({ [operator]: { [SUB]: values } }, { [SUB]: [requestValue] })).toBe(pbacHolds(operator, SUB, values, requestValue));
    }), { seed: 20261129, numRuns: 500 });
  });

  test('for negated operators with one value', () => {
    fc.assert(fc.property(fc.constantFrom(...negated), text, text, (operator, value, requestValue) => {
      expect(holds({ [operator]: { [SUB]: value } }, { [SUB]: [requestValue] })).toBe(pbacHolds(operator, SUB, [value], requestValue));
    }), { seed: 20261129, numRuns: 300 });
  });

  test('for the trust conditions this library writes', () => {
    const subjects = ['system:serviceaccount:testing:app', 'system:serviceaccount:testing:other', 'system:serviceaccount:prod:app'];
    for (const pattern of [...subjects, 'system:serviceaccount:testing:*']) {
      const operator = pattern.endsWith('*') ? 'StringLike' : 'StringEquals';
      for (const sub of subjects) {
        expect(holds({ [operator]: { [SUB]: pattern } }, { [SUB]: [sub] })).toBe(pbacHolds(operator, SUB, [pattern], sub));
      }
    }
  });
});
