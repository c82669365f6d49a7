import { AUD, SUB, audit, stackWithRole, statement } from '../support/trust-audit';

describe('IRSA8: the size of the trust policy', () => {
  test('IRSA8: warns above 2048 characters and fails above 4096, passes below', () => {
    // GIVEN
    const subjects = (count: number) => Array.from({ length: count }, (_, i) => `system:serviceaccount:team:service-${String(i).padStart(3, '0')}`);
    const policy = (count: number) => statement({ Condition: { StringEquals: { [SUB]: subjects(count), [AUD]: 'sts.amazonaws.com' } } });
    const sizeOf = (count: number) => JSON.stringify({ Version: '2012-10-17', Statement: [policy(count)] }).length;

    // WHEN
    const small = audit(stackWithRole(policy(10)));
    const large = audit(stackWithRole(policy(40)));
    const huge = audit(stackWithRole(policy(90)));

    // THEN
    expect(small).toEqual([]);
    expect(sizeOf(40)).toBeGreaterThan(2048);
    expect(large).toEqual([{
      path: '/Stack/Role',
      level: 'warning',
      message: `[IRSA8] Role 'Stack/Role': the trust policy is about ${sizeOf(40)} characters, over IAM's default quota of 2048. ` +
        'Deployment fails unless the account\'s "Role trust policy length" quota is raised (up to 4096); otherwise split the ' +
        'trusted identities over several roles. [ack: IRSA8]',
    }]);
    expect(sizeOf(90)).toBeGreaterThan(4096);
    expect(huge).toEqual([{
      path: '/Stack/Role',
      level: 'error',
      message: `[IRSA8] Role 'Stack/Role': the trust policy is about ${sizeOf(90)} characters; IAM rejects trust policies over ` +
        '4096 characters even with a raised quota. Split the trusted identities over several roles.',
    }]);
  });
});
