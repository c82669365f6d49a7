import { CfnParameter, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { StackValues } from '../../src/private/stack-values';
import {
  estimateTrustPolicySize,
  policySize,
  WORST_CASE_AUDIENCE,
  WORST_CASE_ISSUER,
  WORST_CASE_PROVIDER_ARN_PREFIX,
} from '../../src/private/trust-policy-size';
import { testStack } from '../support/app';

/** A trust policy as the template holds it, read the way the audit and the construct read it. */
function read(stack: Stack, policy: unknown): { document: Record<string, unknown>; values: StackValues } {
  const values = new StackValues(stack);
  return { document: values.readDocument(stack.resolve(policy)) as Record<string, unknown>, values };
}

describe('policySize', () => {
  test('counts the characters of the minified JSON, without whitespace', () => {
    expect(policySize({ Version: '2012-10-17' })).toBe('{"Version":"2012-10-17"}'.length);
    expect(policySize({ Sid: 'a b c' })).toBe('{"Sid":"abc"}'.length);
  });

  test('stands in for deploy-time parts with an EKS issuer of the longest region and partition', () => {
    expect(WORST_CASE_ISSUER).toMatch(/^oidc\.eks\.cn-northwest-1\.amazonaws\.com\.cn\/id\/[0-9A-F]{32}$/);
    expect(`${WORST_CASE_PROVIDER_ARN_PREFIX}${WORST_CASE_ISSUER}`).toMatch(/^arn:aws-us-gov:iam::\d{12}:oidc-provider\//);
  });
});

describe('estimateTrustPolicySize', () => {
  test('is the exact size of a policy without deploy-time parts', () => {
    const stack = testStack();
    const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRoleWithWebIdentity', Sid: 'a b' }] };
    const { document, values } = read(stack, policy);
    expect(estimateTrustPolicySize(document, values)).toBe(policySize(policy));
  });

  test('counts a deploy-time provider ARN, issuer and audience at their longest', () => {
    // GIVEN a policy with a parameter ARN, its issuer split from it, and a parameter audience
    const stack = testStack();
    const arn = new CfnParameter(stack, 'Arn').valueAsString;
    const audience = new CfnParameter(stack, 'Audience').valueAsString;
    const issuer = iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(stack, 'P', arn).openIdConnectProviderIssuer;
    const policy = stack.toJsonString({ Statement: [{ Principal: { Federated: arn }, Condition: { StringEquals: { [`${issuer}:aud`]: audience } } }] });

    // WHEN
    const { document, values } = read(stack, policy);

    // THEN
    const worstCase = { Statement: [{ Principal: { Federated: `${WORST_CASE_PROVIDER_ARN_PREFIX}${WORST_CASE_ISSUER}` }, Condition: { StringEquals: { [`${WORST_CASE_ISSUER}:aud`]: WORST_CASE_AUDIENCE } } }] };
    expect(estimateTrustPolicySize(document, values)).toBe(policySize(worstCase));
  });

  test('counts a provider resource of the stack with its literal issuer, and pseudo parameters at their longest', () => {
    const stack = testStack();
    const provider = new iam.CfnOIDCProvider(stack, 'Provider', { url: 'https://oidc.example.com', clientIdList: ['sts.amazonaws.com'] });
    const policy = stack.toJsonString({ Statement: [{ Principal: { Federated: provider.attrArn }, Sid: stack.partition }] });
    const { document, values } = read(stack, policy);
    const expected = { Statement: [{ Principal: { Federated: `${WORST_CASE_PROVIDER_ARN_PREFIX}oidc.example.com` }, Sid: 'aws-us-gov' }] };
    expect(estimateTrustPolicySize(document, values)).toBe(policySize(expected));
  });
});
