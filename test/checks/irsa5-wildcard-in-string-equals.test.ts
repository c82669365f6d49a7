import { AUD, SUB, audit, rulesOf, stackWithRole, statement } from '../support/trust-audit';

describe('IRSA5: a wildcard in StringEquals', () => {
  test.each(['system:serviceaccount:ns:*', 'system:serviceaccount:ns:sa?'])('IRSA5: flags %s in StringEquals, which never matches', value => {
    // GIVEN
    const stack = stackWithRole(statement({ Condition: { StringEquals: { [SUB]: value, [AUD]: 'sts.amazonaws.com' } } }));

    // WHEN
    const reported = audit(stack);

    // THEN
    expect(rulesOf(reported)).toEqual(['error IRSA5']);
    expect(reported[0].message).toBe(`[IRSA5] Role 'Stack/Role': Statement[0] compares "${SUB}" to ${JSON.stringify(value)} with ` +
      'StringEquals, which takes "*" and "?" literally: no token carries that value, so the condition never matches. List the ' +
      'exact values, or use StringLike with a literal namespace (system:serviceaccount:<namespace>:*).');
  });
});
