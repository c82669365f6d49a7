import { AUD, SUB, audit, rulesOf, stackWithRole, statement } from '../support/trust-audit';

describe('IRSA1: no pinning condition on sub', () => {
  test('IRSA1: flags a statement without a sub condition, naming the role and the fix', () => {
    // GIVEN
    const stack = stackWithRole(statement({ Condition: { StringEquals: { [AUD]: 'sts.amazonaws.com' } } }));

    // WHEN
    const reported = audit(stack);

    // THEN
    expect(reported).toEqual([{
      path: '/Stack/Role',
      level: 'error',
      message: `[IRSA1] Role 'Stack/Role': Statement[0] has no StringEquals or StringLike condition on "${SUB}", so every ` +
        'identity the provider issues tokens for (every ServiceAccount of the cluster) can assume the role. Add ' +
        `"StringEquals": { "${SUB}": "system:serviceaccount:<namespace>:<name>" }.`,
    }]);
  });

  test('IRSA1 and IRSA2: flag a statement without any condition', () => {
    const reported = audit(stackWithRole(statement({ Condition: undefined })));
    expect(rulesOf(reported)).toEqual(['error IRSA1', 'error IRSA2']);
  });
});
