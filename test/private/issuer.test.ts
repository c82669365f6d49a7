import { CfnParameter, Stack } from 'aws-cdk-lib';
import { issuerOfLiteralUrl, issuerOfProviderArn } from '../../src/private/issuer';

describe('issuer', () => {
  test('of a literal provider ARN keeps every path segment of the issuer', () => {
    const stack = new Stack();
    expect(issuerOfProviderArn(stack, 'Test', 'arn:aws-us-gov:iam::123456789012:oidc-provider/oidc.eks.us-gov-west-1.amazonaws.com/id/ABC'))
      .toBe('oidc.eks.us-gov-west-1.amazonaws.com/id/ABC');
  });

  test('of a token provider ARN splits after ":oidc-provider/" at deploy time', () => {
    const stack = new Stack();
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
    expect(() => issuerOfProviderArn(new Stack(), 'Test', arn)).toThrow('is not an IAM OIDC provider ARN');
  });

  test('of a literal URL drops the scheme only', () => {
    expect(issuerOfLiteralUrl('https://token.actions.example.com/a/b')).toBe('token.actions.example.com/a/b');
  });
});
