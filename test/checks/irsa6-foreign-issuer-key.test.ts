import { CfnJson, CfnParameter } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IrsaCluster } from '../../src';
import { SEED_ISSUER, SEED_ISSUER_URL, testStack } from '../support/app';
import { AUD, PROVIDER_ARN, SUB, audit, rulesOf, stackWithRole, statement } from '../support/trust-audit';

describe('IRSA6: condition keys of another issuer', () => {
  test('IRSA6: flags condition keys of another issuer than the literal principal', () => {
    // GIVEN
    const other = 'oidc.eks.eu-west-1.amazonaws.com/id/OTHER';
    const stack = stackWithRole(statement({
      Condition: { StringEquals: { [SUB]: 'system:serviceaccount:ns:sa', [`${other}:aud`]: 'sts.amazonaws.com', [AUD]: 'sts.amazonaws.com' } },
    }));

    // WHEN
    const reported = audit(stack);

    // THEN
    expect(rulesOf(reported)).toEqual(['error IRSA6']);
    expect(reported[0].message).toBe(`[IRSA6] Role 'Stack/Role': Statement[0] checks "${other}:aud", but the principal ` +
      `"${PROVIDER_ARN}" is the provider of issuer "${SEED_ISSUER}": STS sets only "${SEED_ISSUER}:sub" and ":aud" for its ` +
      'tokens, so this condition does not restrict them as intended. Prefix the condition keys with the issuer of the ' +
      'principal (its ARN after ":oidc-provider/").');
  });

  test('IRSA6: reads the issuer of a provider resource in the stack', () => {
    // GIVEN
    const stack = testStack();
    const provider = new IrsaCluster(stack, 'Irsa', { issuerUrl: SEED_ISSUER_URL });
    new iam.CfnRole(stack, 'Role', {
      assumeRolePolicyDocument: {
        Statement: [statement({
          Principal: { Federated: provider.openIdConnectProviderArn },
          Condition: { StringEquals: { 'oidc.example.com:sub': 'system:serviceaccount:ns:sa', 'oidc.example.com:aud': 'sts.amazonaws.com' } },
        })],
      },
    });

    // WHEN
    const reported = audit(stack);

    // THEN
    expect(rulesOf(reported)).toEqual(['error IRSA6', 'error IRSA6']);
    expect(reported[0].message).toBe('[IRSA6] Role \'Stack/Role\': Statement[0] checks "oidc.example.com:sub", but the principal ' +
      `"\${IrsaAC15A16C.Arn}" is the provider of issuer "${SEED_ISSUER}": STS sets only "${SEED_ISSUER}:sub" and ":aud" for its tokens, so ` +
      'this condition does not restrict them as intended. Prefix the condition keys with the issuer of the principal (its ARN after ":oidc-provider/").');
  });

  test('IRSA6: flags keys derived from another provider resource, even when both issuers are deploy-time values', () => {
    // GIVEN
    const stack = testStack();
    const blue = new IrsaCluster(stack, 'Blue', { issuerUrl: new CfnParameter(stack, 'BlueUrl').valueAsString });
    const green = new IrsaCluster(stack, 'Green', { issuerUrl: new CfnParameter(stack, 'GreenUrl').valueAsString });
    new iam.Role(stack, 'Role', {
      assumedBy: new iam.WebIdentityPrincipal(blue.openIdConnectProviderArn, {
        StringEquals: new CfnJson(stack, 'Keys', {
          value: { [`${green.openIdConnectProviderIssuer}:sub`]: 'system:serviceaccount:ns:sa', [`${blue.openIdConnectProviderIssuer}:aud`]: 'sts.amazonaws.com' },
        }),
      }),
    });

    // WHEN
    const reported = audit(stack);

    // THEN
    expect(rulesOf(reported)).toEqual(['error IRSA6']);
    expect(reported[0].message).toBe('[IRSA6] Role \'Stack/Role\': Statement[0] checks "${issuer of Green9DCBBC03.Arn}:sub", but the principal ' +
      '"${Blue10BB7880.Arn}" is the provider of issuer "${issuer of Blue10BB7880.Arn}": STS sets only "${issuer of Blue10BB7880.Arn}:sub" and ' +
      '":aud" for its tokens, so this condition does not restrict them as intended. Prefix the condition keys with the issuer of the ' +
      'principal (its ARN after ":oidc-provider/").');
  });
});
