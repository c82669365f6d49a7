import { CfnParameter } from 'aws-cdk-lib';
import { auditedTrustPolicyOf } from '../../src/checks/audited-trust-policy';
import { StackValues } from '../../src/private/stack-values';
import { policySize } from '../../src/private/trust-policy-size';
import { testStack } from '../support/app';
import { AUD, EXACT, PROVIDER_ARN, statement, SUB } from '../support/trust-audit';

describe('auditedTrustPolicyOf', () => {
  test('keeps only the statements that let web identities in, with their providers and claims', () => {
    // GIVEN
    const stack = testStack();
    const document = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'ec2.amazonaws.com' } },
        statement({ Sid: 'Pods' }),
      ],
    };

    // WHEN
    const policy = auditedTrustPolicyOf(document, new StackValues(stack));

    // THEN
    expect(policy.statements).toHaveLength(1);
    const [audited] = policy.statements;
    expect(audited.where).toBe('Statement[1] (Pods)');
    expect(audited.providers.map(p => [p.shown, p.issuerShown])).toEqual([[JSON.stringify(PROVIDER_ARN), SUB.slice(0, -':sub'.length)]]);
    expect(audited.conditions.map(c => [c.operator, c.keyShown, c.claim, c.values.map(v => v.shown), c.issuerMatches.map(m => m.match)])).toEqual([
      ['StringEquals', JSON.stringify(SUB), 'sub', ['"system:serviceaccount:ns:sa"'], ['same']],
      ['StringEquals', JSON.stringify(AUD), 'aud', ['"sts.amazonaws.com"'], ['same']],
    ]);
    expect(policy.estimatedSize).toBe(policySize(document));
  });

  test('marks where a value may vary: its first wildcard or deploy-time part', () => {
    const stack = testStack();
    const ns = new CfnParameter(stack, 'Namespace').valueAsString;
    const values = new StackValues(stack);
    const document = values.readDocument(stack.resolve({ Statement: [statement({ Condition: { StringLike: { [SUB]: [`system:serviceaccount:${ns}:*`, 'system:serviceaccount:ns:a?'] } } })] }));
    const [condition] = auditedTrustPolicyOf(document, values).statements[0].conditions;
    expect(condition.values.map(v => [v.shown, v.variableAt])).toEqual([['"system:serviceaccount:${Namespace}:*"', 22], ['"system:serviceaccount:ns:a?"', 26]]);
  });

  test('checks nothing, and estimates no size, for a policy without web identities, but reads its AWS principals for the chain rules', () => {
    const policy = auditedTrustPolicyOf({ Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: 'arn:aws:iam::1:root' }, Condition: EXACT }] }, new StackValues(testStack()));
    expect(policy).toEqual({
      statements: [],
      podIdentityStatements: [],
      estimatedSize: undefined,
      awsStatements: [{
        where: 'Statement[0]',
        principals: ['arn:aws:iam::1:root'],
        principalsShown: ['"arn:aws:iam::1:root"'],
        conditions: Object.entries(EXACT.StringEquals).map(([key, value]) => ({
          operator: 'StringEquals', key, values: [{ text: value, shown: JSON.stringify(value), variableAt: -1 }],
        })),
      }],
      tagSessionPrincipals: [],
    });
  });
});
