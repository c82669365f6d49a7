import { Arn, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { fail } from './construct-error';
import { OIDC_PROVIDER_IN_ARN } from './irsa-constants';
import { issuerFormProblem } from './issuer-form';

const PROVIDER_ARN = /^arn:([a-z-]+):iam::(\d{12}):oidc-provider\/(.+)$/;

/** The parts of a literal IAM OIDC provider ARN. */
export interface OidcProviderArnParts {
  readonly partition: string;
  readonly account: string;
  /** The issuer as IAM writes it in condition keys: the provider URL without `https://`. */
  readonly issuer: string;
}

/** The parts of `arn:<partition>:iam::<account>:oidc-provider/<issuer>`, or undefined when `arn` is not one. */
export function parseOidcProviderArn(arn: string): OidcProviderArnParts | undefined {
  const match = PROVIDER_ARN.exec(arn);
  return match ? { partition: match[1], account: match[2], issuer: match[3] } : undefined;
}

/** The ARN IAM gives the provider of `issuer` (a URL without `https://`). */
export function oidcProviderArn(partition: string, account: string, issuer: string): string {
  return `arn:${partition}:iam::${account}${OIDC_PROVIDER_IN_ARN}${issuer}`;
}

/** The condition-key issuer of an issuer URL: the URL without `https://`, as IAM names the provider. */
export function issuerOfUrl(issuerUrl: string): string {
  return issuerUrl.replace(/^https:\/\//, '');
}

/**
 * The issuer as IAM writes it in condition keys (`<issuer>:sub`), read from the provider ARN, the same value the trust
 * policy names as its Federated principal, so the two can never disagree. A token ARN is split by CloudFormation at
 * deploy time (`Fn::Select`/`Fn::Split`); string surgery on a token would silently produce a wrong key.
 */
export function issuerOfProviderArn(scope: IConstruct, kind: string, providerArn: string): string {
  if (Token.isUnresolved(providerArn)) {
    return Arn.extractResourceName(providerArn, 'oidc-provider');
  }
  const parts = parseOidcProviderArn(providerArn);
  if (!parts) {
    fail(scope, kind, `${JSON.stringify(providerArn)} is not an IAM OIDC provider ARN. ` +
      'Expected arn:<partition>:iam::<account>:oidc-provider/<issuer>, e.g. ' +
      'arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-2.amazonaws.com/id/EXAMPLE.');
  }
  const form = issuerFormProblem(parts.issuer);
  if (form) {
    fail(scope, kind, `the provider ARN ${JSON.stringify(providerArn)} names the issuer "https://${parts.issuer}", which ${form.problem}, ` +
      `so no token could match the role's trust. Use the provider of "https://${form.issued}" ` +
      `(${oidcProviderArn(parts.partition, parts.account, form.issued)}), creating it if it does not exist.`);
  }
  return parts.issuer;
}
