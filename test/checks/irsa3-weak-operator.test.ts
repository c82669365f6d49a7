import { AUD, SUB, audit, rulesOf, stackWithRole, statement } from '../support/trust-audit';

describe('IRSA3: an operator that does not pin sub or aud', () => {
  test.each([
    ['ForAllValues:StringEquals', 'is true when the claim is missing or empty'],
    ['ForAnyValue:StringLike', 'is a set operator meant for multivalued keys, not the single-valued sub and aud'],
    ['StringEqualsIfExists', 'is true when the claim is missing'],
    ['StringNotEquals', 'allows every value but the ones listed'],
    ['StringNotLike', 'allows every value but the ones listed'],
    ['Null', 'only checks whether the claim is present'],
    ['StringEqualsIgnoreCase', 'is not an exact comparison'],
  ])('IRSA3: flags %s on sub', (operator, risk) => {
    // GIVEN
    const stack = stackWithRole(statement({
      Condition: { StringEquals: { [SUB]: 'system:serviceaccount:ns:sa', [AUD]: 'sts.amazonaws.com' }, [operator]: { [SUB]: 'system:serviceaccount:ns:other' } },
    }));

    // WHEN
    const reported = audit(stack);

    // THEN
    expect(rulesOf(reported)).toEqual(['error IRSA3']);
    expect(reported[0].message).toBe(`[IRSA3] Role 'Stack/Role': Statement[0] checks "${SUB}" with ${operator}, which ${risk}. ` +
      'Use StringEquals with the exact system:serviceaccount:<namespace>:<name>.');
  });

  test('IRSA3: flags a weak operator on aud, and IRSA2 when it is the only aud condition', () => {
    const reported = audit(stackWithRole(statement({
      Condition: { StringEquals: { [SUB]: 'system:serviceaccount:ns:sa' }, StringEqualsIfExists: { [AUD]: 'sts.amazonaws.com' } },
    })));
    expect(rulesOf(reported)).toEqual(['error IRSA3', 'error IRSA2']);
    expect(reported[0].message).toBe(`[IRSA3] Role 'Stack/Role': Statement[0] checks "${AUD}" with StringEqualsIfExists, which is true when ` +
      'the claim is missing. Use StringEquals with the exact audience.');
  });
});
