import { Duration } from 'aws-cdk-lib';
import { STS_AUDIENCE } from './irsa-constants';

/**
 * The prefix of the annotations the pod identity webhook reads on a ServiceAccount (its `--annotation-prefix`);
 * a webhook cdk-irsa deploys is given this one, so it reads what cdk-irsa writes.
 */
export const ANNOTATION_PREFIX = 'eks.amazonaws.com';
const ROLE_ARN_ANNOTATION = `${ANNOTATION_PREFIX}/role-arn`;
const AUDIENCE_ANNOTATION = `${ANNOTATION_PREFIX}/audience`;
const STS_REGIONAL_ENDPOINTS_ANNOTATION = `${ANNOTATION_PREFIX}/sts-regional-endpoints`;
const TOKEN_EXPIRATION_ANNOTATION = `${ANNOTATION_PREFIX}/token-expiration`;
/** The Pod label that makes the webhook leave a Pod alone (upstream's objectSelector). */
export const SKIP_WEBHOOK_LABEL = `${ANNOTATION_PREFIX}/skip-pod-identity-webhook`;

/** The annotations cdk-irsa writes, with the option to use instead of setting one by hand. */
export const OWNED_ANNOTATIONS: Record<string, string> = {
  [ROLE_ARN_ANNOTATION]: 'it is always the role of this ServiceAccount',
  [AUDIENCE_ANNOTATION]: 'use the audience option',
  [STS_REGIONAL_ENDPOINTS_ANNOTATION]: 'use the stsRegionalEndpoints option',
  [TOKEN_EXPIRATION_ANNOTATION]: 'use the tokenExpiration option',
};

/** What the annotations of one ServiceAccount are made from. */
export interface ServiceAccountAnnotationInput {
  readonly roleArn: string;
  readonly audience: string;
  readonly stsRegionalEndpoints?: boolean;
  readonly tokenExpiration?: Duration;
}

/**
 * The webhook's annotations for a ServiceAccount: the role ARN always, the others only when they are not the webhook's
 * defaults (the audience STS_AUDIENCE, which is also the `--token-audience` of a webhook cdk-irsa deploys).
 */
export function serviceAccountAnnotations(input: ServiceAccountAnnotationInput): Record<string, string> {
  return {
    [ROLE_ARN_ANNOTATION]: input.roleArn,
    ...(input.audience !== STS_AUDIENCE ? { [AUDIENCE_ANNOTATION]: input.audience } : {}),
    ...(input.stsRegionalEndpoints !== undefined ? { [STS_REGIONAL_ENDPOINTS_ANNOTATION]: String(input.stsRegionalEndpoints) } : {}),
    ...(input.tokenExpiration ? { [TOKEN_EXPIRATION_ANNOTATION]: String(input.tokenExpiration.toSeconds()) } : {}),
  };
}
