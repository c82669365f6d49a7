import { CfnParameter } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { arnOfIssuerIntrinsic, issuerOfArnIntrinsic, providerResourceIssuer, urlOfIssuerIntrinsic } from '../../src/private/issuer-intrinsics';
import { StackValues } from '../../src/private/stack-values';
import { testStack } from '../support/app';

describe('issuer intrinsics', () => {
  test('the issuer split from a provider ARN, as CDK writes it, leads back to the ARN', () => {
    const stack = testStack();
    const arn = new CfnParameter(stack, 'Arn').valueAsString;
    const cdkIssuer = stack.resolve(iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(stack, 'P', arn).openIdConnectProviderIssuer);
    expect(cdkIssuer).toEqual(issuerOfArnIntrinsic({ Ref: 'Arn' }));
    expect(arnOfIssuerIntrinsic(cdkIssuer)).toEqual({ Ref: 'Arn' });
    expect(arnOfIssuerIntrinsic({ Ref: 'Arn' })).toBeUndefined();
  });

  test('the issuer split from a URL, or an EKS cluster\'s issuer attribute, leads back to the URL', () => {
    expect(urlOfIssuerIntrinsic({ 'Fn::Select': [1, { 'Fn::Split': ['https://', { Ref: 'Url' }] }] })).toEqual({ Ref: 'Url' });
    expect(urlOfIssuerIntrinsic({ 'Fn::GetAtt': ['Cluster', 'OpenIdConnectIssuer'] })).toEqual({ 'Fn::GetAtt': ['Cluster', 'OpenIdConnectIssuerUrl'] });
    expect(urlOfIssuerIntrinsic({ 'Fn::Select': [0, { 'Fn::Split': ['https://', { Ref: 'Url' }] }] })).toBeUndefined();
  });

  test('a provider resource of the stack gives its literal issuer, or the placeholder of its deploy-time URL', () => {
    const stack = testStack();
    new iam.CfnOIDCProvider(stack, 'Literal', { url: 'https://oidc.example.com/id/A', clientIdList: ['sts.amazonaws.com'] });
    new iam.CfnOIDCProvider(stack, 'DeployTime', { url: new CfnParameter(stack, 'Url').valueAsString, clientIdList: ['sts.amazonaws.com'] });
    const values = new StackValues(stack);
    expect(providerResourceIssuer(values, { 'Fn::GetAtt': ['Literal', 'Arn'] })).toEqual({ providerId: 'Literal', literal: 'oidc.example.com/id/A' });
    expect(providerResourceIssuer(values, { Ref: 'DeployTime' })).toEqual({ providerId: 'DeployTime', url: values.placeholderOf({ Ref: 'Url' }) });
    expect(providerResourceIssuer(values, { Ref: 'Url' })).toBeUndefined();
  });
});
