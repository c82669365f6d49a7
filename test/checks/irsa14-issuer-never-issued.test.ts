import * as iam from 'aws-cdk-lib/aws-iam';
import { ACCOUNT, testStack } from '../support/app';
import { audit, rulesOf, stackWithRole, statement } from '../support/trust-audit';

const DUAL_STACK = 'oidc-eks.eu-west-2.api.aws/id/0524940DCDEE3C59B6B1ABEFCE8BB2A2';
const ISSUED = 'oidc.eks.eu-west-2.amazonaws.com/id/0524940DCDEE3C59B6B1ABEFCE8BB2A2';

describe('IRSA14: the provider of an issuer no token carries', () => {
  test('IRSA14: flags the EKS dual-stack host in a literal provider ARN, naming the host to trust instead', () => {
    // GIVEN
    const arn = `arn:aws:iam::${ACCOUNT}:oidc-provider/${DUAL_STACK}`;
    const stack = stackWithRole(statement({
      Principal: { Federated: arn },
      Condition: { StringEquals: { [`${DUAL_STACK}:sub`]: 'system:serviceaccount:ns:sa', [`${DUAL_STACK}:aud`]: 'sts.amazonaws.com' } },
    }));

    // WHEN
    const reported = audit(stack);

    // THEN
    expect(rulesOf(reported)).toEqual(['error IRSA14']);
    expect(reported[0].message).toBe(`[IRSA14] Role 'Stack/Role': Statement[0] trusts "${arn}", whose issuer "${DUAL_STACK}" is the ` +
      'dual-stack host of an EKS issuer, which EKS tokens never carry in "iss" (they name oidc.eks.eu-west-2.amazonaws.com; the dual-stack ' +
      'host only serves the same documents over IPv6): STS finds the provider by the token\'s "iss", so it never vouches for a token and ' +
      `the role can never be assumed. Trust the provider of "${ISSUED}" instead, with condition keys "${ISSUED}:sub" and "${ISSUED}:aud".`);
  });

  test('IRSA14: reads the URL of a hand-written provider resource in the stack', () => {
    // GIVEN
    const stack = testStack();
    const provider = new iam.CfnOIDCProvider(stack, 'Provider', { url: 'https://oidc.example.com/', clientIdList: ['sts.amazonaws.com'] });
    new iam.CfnRole(stack, 'Role', {
      assumeRolePolicyDocument: {
        Statement: [statement({
          Principal: { Federated: provider.attrArn },
          Condition: { StringEquals: { 'oidc.example.com/:sub': 'system:serviceaccount:ns:sa', 'oidc.example.com/:aud': 'sts.amazonaws.com' } },
        })],
      },
    });

    // WHEN
    const reported = audit(stack);

    // THEN
    expect(rulesOf(reported)).toEqual(['error IRSA14']);
    expect(reported[0].message).toBe('[IRSA14] Role \'Stack/Role\': Statement[0] trusts "${Provider.Arn}", whose issuer "oidc.example.com/" ends ' +
      'in "/", which tokens\' "iss" never does (an API server publishes its discovery document at <issuer>/.well-known/openid-configuration): ' +
      'STS finds the provider by the token\'s "iss", so it never vouches for a token and the role can never be assumed. Trust the provider of ' +
      '"oidc.example.com" instead, with condition keys "oidc.example.com:sub" and "oidc.example.com:aud".');
  });

  test('IRSA14: leaves the issued form alone', () => {
    const stack = stackWithRole(statement());

    expect(rulesOf(audit(stack))).toEqual([]);
  });
});
