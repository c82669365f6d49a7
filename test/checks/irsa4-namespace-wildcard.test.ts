import { AUD, SUB, audit, rulesOf, stackWithRole, statement } from '../support/trust-audit';

describe('IRSA4: a sub pattern that lets the namespace vary', () => {
  test.each([
    'system:serviceaccount:*',
    'system:serviceaccount:team*',
    'system:serviceaccount:*:orders',
    'system:serviceaccount:te?m:orders',
    'system:*',
    '*',
  ])('IRSA4: flags the StringLike pattern %s, which lets the namespace vary', pattern => {
    // GIVEN
    const stack = stackWithRole(statement({ Condition: { StringLike: { [SUB]: pattern }, StringEquals: { [AUD]: 'sts.amazonaws.com' } } }));

    // WHEN
    const reported = audit(stack);

    // THEN
    expect(rulesOf(reported)).toEqual(['error IRSA4']);
    expect(reported[0].message).toBe(`[IRSA4] Role 'Stack/Role': Statement[0] matches "${SUB}" against ${JSON.stringify(pattern)} ` +
      'with StringLike, which lets the namespace vary: a ServiceAccount of that name (or any name) in another namespace can ' +
      'assume the role. Use StringEquals with system:serviceaccount:<namespace>:<name>, or at most system:serviceaccount:<namespace>:*.');
  });

  test('IRSA4: flags each bad pattern of a list', () => {
    const reported = audit(stackWithRole(statement({
      Condition: { StringLike: { [SUB]: ['system:serviceaccount:ok:*', 'system:serviceaccount:*:a', '*'] }, StringEquals: { [AUD]: 'sts.amazonaws.com' } },
    })));
    expect(reported.map(r => /against (".*?")/.exec(r.message)?.[1])).toEqual(['"system:serviceaccount:*:a"', '"*"']);
  });
});
