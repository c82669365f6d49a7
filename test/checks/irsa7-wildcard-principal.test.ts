import { ACCOUNT } from '../support/app';
import { PROVIDER_ARN, audit, conditional, rulesOf, stackWithRole, statement } from '../support/trust-audit';

describe('IRSA7: a wildcard principal', () => {
  test.each([
    ['"Principal": "*"', { Principal: '*' }, 'any principal ("Principal": "*")'],
    ['"AWS": "*"', { Principal: { AWS: '*' } }, 'any principal ("AWS": "*")'],
    ['"Federated": "*"', { Principal: { Federated: ['*'] } }, 'any principal ("Federated": "*")'],
    ['NotPrincipal', { Principal: undefined, NotPrincipal: { AWS: `arn:aws:iam::${ACCOUNT}:root` } }, 'everyone but its NotPrincipal'],
  ])('IRSA7: flags %s', (_, overrides, who) => {
    // GIVEN
    const stack = stackWithRole(statement(overrides));

    // WHEN
    const reported = audit(stack);

    // THEN
    expect(reported).toEqual([{
      path: '/Stack/Role',
      level: 'error',
      message: `[IRSA7] Role 'Stack/Role': Statement[0] allows sts:AssumeRoleWithWebIdentity to ${who}, so a token from any ` +
        'identity provider can assume the role. Name the cluster\'s IAM OIDC provider as the Federated principal instead.',
    }]);
  });

  test('IRSA7: flags a wildcard principal reached through a wildcard action', () => {
    const reported = audit(stackWithRole(statement({ Action: 'sts:AssumeRole*', Principal: { AWS: '*' } })));
    expect(rulesOf(reported)).toEqual(['error IRSA7']);
  });

  test('IRSA7: flags a Federated principal that can be "*" at deploy time; IRSA9 a Principal that is only known then', () => {
    // GIVEN
    const wildcard = stackWithRole(statement({ Principal: { Federated: conditional(PROVIDER_ARN, '*') } }));
    const opaque = stackWithRole(statement({ Principal: conditional('*', { Federated: PROVIDER_ARN }) }));

    // WHEN
    const wildcardReported = audit(wildcard);
    const opaqueReported = audit(opaque);

    // THEN
    expect(rulesOf(wildcardReported)).toEqual(['error IRSA7']);
    expect(wildcardReported[0].message).toBe('[IRSA7] Role \'Stack/Role\': Statement[0] allows sts:AssumeRoleWithWebIdentity to a "Federated" ' +
      'principal that can be "*" at deploy time ("${Fn::If}"), so a token from any identity provider can assume the role. Name the ' +
      'cluster\'s IAM OIDC provider as the Federated principal instead.');
    expect(rulesOf(opaqueReported)).toEqual(['error IRSA9']);
    expect(opaqueReported[0].message).toBe('[IRSA9] Role \'Stack/Role\': the Principal of Statement[0] is only known at deploy time ' +
      '("${Fn::If}"), so its sub and aud conditions cannot be checked. Write the conditions into the template (Stack.toJsonString ' +
      'renders token keys without a custom resource), or acknowledge IRSA9 after reviewing the deployed policy.');
  });
});
