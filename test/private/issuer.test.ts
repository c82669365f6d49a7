import { CfnParameter } from 'aws-cdk-lib';
import { issuerOfProviderArn, issuerOfUrl, oidcProviderArn, parseOidcProviderArn } from '../../src/private/issuer';
import { testStack } from '../support/app';

describe('issuer', () => {
  test('of a literal provider ARN keeps every path segment of the issuer', () => {
    const stack = testStack();
    expect(issuerOfProviderArn(stack, 'Test', 'arn:aws-us-gov:iam::123456789012:oidc-provider/oidc.eks.us-gov-west-1.amazonaws.com/id/ABC'))
      .toBe('oidc.eks.us-gov-west-1.amazonaws.com/id/ABC');
  });

  test('of a token provider ARN splits after ":oidc-provider/" at deploy time', () => {
    const stack = testStack();
    const arn = new CfnParameter(stack, 'Arn').valueAsString;
    expect(stack.resolve(issuerOfProviderArn(stack, 'Test', arn)))
      .toEqual({ 'Fn::Select': [1, { 'Fn::Split': [':oidc-provider/', { Ref: 'Arn' }] }] });
  });

  test.each([
    'arn:aws:iam::123456789012:oidc-provider/',
    'arn:aws:iam::12345:oidc-provider/x',
    'arn:aws:iam::123456789012:saml-provider/x',
    'oidc.eks.eu-west-2.amazonaws.com/id/ABC',
  ])('rejects %s', arn => {
    const stack = testStack();
    expect(() => issuerOfProviderArn(stack, 'Test', arn)).toThrow(new Error(`Test 'Stack': ${JSON.stringify(arn)} is not an IAM OIDC ` +
      'provider ARN. Expected arn:<partition>:iam::<account>:oidc-provider/<issuer>, e.g. ' +
      'arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-2.amazonaws.com/id/EXAMPLE.'));
    expect(parseOidcProviderArn(arn)).toBeUndefined();
  });

  test('of a URL drops the scheme only', () => {
    expect(issuerOfUrl('https://token.actions.example.com/a/b')).toBe('token.actions.example.com/a/b');
  });

  test('parses and builds provider ARNs the same way', () => {
    const arn = oidcProviderArn('aws-cn', '123456789012', 'oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC');
    expect(arn).toBe('arn:aws-cn:iam::123456789012:oidc-provider/oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC');
    expect(parseOidcProviderArn(arn)).toEqual({ partition: 'aws-cn', account: '123456789012', issuer: 'oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC' });
  });
});
