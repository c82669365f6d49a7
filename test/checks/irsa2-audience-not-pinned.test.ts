import { CfnParameter } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { testStack } from '../support/app';
import { AUD, SUB, audit, rulesOf, stackWithRole, statement } from '../support/trust-audit';

describe('IRSA2: no exact condition on aud', () => {
  test.each([
    ['no aud condition', { StringEquals: { [SUB]: 'system:serviceaccount:ns:sa' } }],
    ['a wildcard aud pattern', { StringEquals: { [SUB]: 'system:serviceaccount:ns:sa' }, StringLike: { [AUD]: '*' } }],
  ])('IRSA2: flags %s', (_, condition) => {
    const reported = audit(stackWithRole(statement({ Condition: condition })));
    expect(rulesOf(reported)).toEqual(['error IRSA2']);
    expect(reported[0].message).toBe(`[IRSA2] Role 'Stack/Role': Statement[0] has no StringEquals condition on "${AUD}", ` +
      `so tokens issued for any audience the provider accepts can assume the role. Add "StringEquals": { "${AUD}": "sts.amazonaws.com" }.`);
  });

  test('IRSA2: a StringLike audience that is only known at deploy time may be a wildcard', () => {
    const stack = testStack();
    const audience = new CfnParameter(stack, 'Audience').valueAsString;
    new iam.CfnRole(stack, 'Role', {
      assumeRolePolicyDocument: { Statement: [statement({ Condition: { StringEquals: { [SUB]: 'system:serviceaccount:ns:sa' }, StringLike: { [AUD]: audience } } })] },
    });
    expect(rulesOf(audit(stack))).toEqual(['error IRSA2']);
  });
});
