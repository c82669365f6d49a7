import { policySize, TOKEN_ARN_PREFIX, TOKEN_ISSUER } from '../../src/private/trust-policy-size';

describe('policySize', () => {
  test('counts the characters of the minified JSON, without whitespace', () => {
    expect(policySize({ Version: '2012-10-17' })).toBe('{"Version":"2012-10-17"}'.length);
    expect(policySize({ Sid: 'a b c' })).toBe('{"Sid":"abc"}'.length);
  });

  test('stands in for token parts with an EKS issuer of the longest region and partition', () => {
    expect(TOKEN_ISSUER).toMatch(/^oidc\.eks\.cn-northwest-1\.amazonaws\.com\.cn\/id\/[0-9A-F]{32}$/);
    expect(`${TOKEN_ARN_PREFIX}${TOKEN_ISSUER}`).toMatch(/^arn:aws-us-gov:iam::\d{12}:oidc-provider\//);
  });
});
