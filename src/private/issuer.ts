import { Arn, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { fail } from './limits';

const PROVIDER_ARN = /^arn:[a-z-]+:iam::\d{12}:oidc-provider\/(.+)$/;

/**
 * The issuer as IAM writes it in condition keys (`<issuer>:sub`): the provider URL without `https://`.
 *
 * It is read from the provider ARN (`arn:<partition>:iam::<account>:oidc-provider/<issuer>`), the same value the
 * trust policy names as its Federated principal, so the two can never disagree. A token ARN is split by
 * CloudFormation at deploy time; string surgery on a token would silently produce a wrong key.
 */
export function issuerOfProviderArn(scope: IConstruct, kind: string, providerArn: string): string {
  if (Token.isUnresolved(providerArn)) {
    return Arn.extractResourceName(providerArn, 'oidc-provider');
  }
  const match = PROVIDER_ARN.exec(providerArn);
  if (!match) {
    fail(scope, kind, `${JSON.stringify(providerArn)} is not an IAM OIDC provider ARN. ` +
      'Expected arn:<partition>:iam::<account>:oidc-provider/<issuer>, e.g. ' +
      'arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-2.amazonaws.com/id/EXAMPLE.');
  }
  return match[1];
}

/** The condition-key issuer of a literal https issuer URL. */
export function issuerOfLiteralUrl(issuerUrl: string): string {
  return issuerUrl.slice('https://'.length);
}
