import { OIDC_PROVIDER_IN_ARN, OIDC_PROVIDER_RESOURCE_TYPES } from './irsa-constants';
import { StackValues } from './stack-values';

/*
 * The CloudFormation shapes a deploy-time issuer takes in a template, so that a condition key and a principal can be
 * traced to the same provider without deploying: the issuer split from a provider ARN (what `issuerOfProviderArn`
 * and aws-eks write), the issuer split from an issuer URL, and an EKS cluster's `OpenIdConnectIssuer` attribute.
 */

/** What is known at synth time about a provider resource of the stack. */
export interface ProviderResourceIssuer {
  /** Its logical ID: two of them are two issuers. */
  readonly providerId: string;
  /** Its issuer, when its URL is a literal. */
  readonly literal?: string;
  /** The placeholder of its URL, when that is a deploy-time value. */
  readonly url?: string;
}

/** `Fn::Select [1, Fn::Split [":oidc-provider/", arn]]`: the issuer of a provider ARN, as CDK derives it. */
export function issuerOfArnIntrinsic(arn: unknown): unknown {
  return { 'Fn::Select': [1, { 'Fn::Split': [OIDC_PROVIDER_IN_ARN, arn] }] };
}

/** The ARN an issuer intrinsic is split from, if it has that form. */
export function arnOfIssuerIntrinsic(intrinsic: unknown): unknown {
  const select = (intrinsic as { 'Fn::Select'?: unknown[] } | undefined)?.['Fn::Select'];
  const split = (select?.[1] as { 'Fn::Split'?: unknown[] } | undefined)?.['Fn::Split'];
  return select?.[0] === 1 && split?.[0] === OIDC_PROVIDER_IN_ARN ? split[1] : undefined;
}

/**
 * The issuer URL an issuer intrinsic comes from: `Fn::Select [1, Fn::Split ["https://", url]]`, or an EKS cluster's
 * `OpenIdConnectIssuer` attribute (aws-eks `clusterOpenIdConnectIssuer`), whose URL is its `OpenIdConnectIssuerUrl`.
 */
export function urlOfIssuerIntrinsic(intrinsic: unknown): unknown {
  const getAtt = (intrinsic as { 'Fn::GetAtt'?: unknown[] } | undefined)?.['Fn::GetAtt'];
  if (getAtt?.length === 2 && getAtt[1] === 'OpenIdConnectIssuer') return { 'Fn::GetAtt': [getAtt[0], 'OpenIdConnectIssuerUrl'] };
  const select = (intrinsic as { 'Fn::Select'?: unknown[] } | undefined)?.['Fn::Select'];
  const split = (select?.[1] as { 'Fn::Split'?: unknown[] } | undefined)?.['Fn::Split'];
  return select?.[0] === 1 && (split?.[0] === 'https://' || split?.[0] === '//') ? split[1] : undefined;
}

/** The OIDC provider resource of the stack that `reference` (a Ref, or an Fn::GetAtt of its Arn) names, if any. */
export function providerResourceIssuer(values: StackValues, reference: unknown): ProviderResourceIssuer | undefined {
  const ref = reference as { 'Ref'?: unknown; 'Fn::GetAtt'?: unknown[] } | undefined;
  const logicalId = ref?.Ref ?? (ref?.['Fn::GetAtt']?.[1] === 'Arn' ? ref['Fn::GetAtt'][0] : undefined);
  const resource = values.resource(logicalId);
  if (!resource || !OIDC_PROVIDER_RESOURCE_TYPES.includes(resource.cfnResourceType)) return undefined;
  const url = values.read(values.propertiesOf(resource).Url);
  const providerId = String(logicalId);
  if (typeof url === 'string' && values.intrinsicOf(url) !== undefined) return { providerId, url };
  const literal = typeof url === 'string' && !values.hasPlaceholder(url) && url.startsWith('https://')
    ? url.slice('https://'.length)
    : undefined;
  return { providerId, literal };
}
