import { Duration } from 'aws-cdk-lib';
import { STS_AUDIENCE } from './irsa-constants';

/** The annotations the EKS pod identity webhook reads on a ServiceAccount. */
const ROLE_ARN_ANNOTATION = 'eks.amazonaws.com/role-arn';
const AUDIENCE_ANNOTATION = 'eks.amazonaws.com/audience';
const STS_REGIONAL_ENDPOINTS_ANNOTATION = 'eks.amazonaws.com/sts-regional-endpoints';
const TOKEN_EXPIRATION_ANNOTATION = 'eks.amazonaws.com/token-expiration';

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

/** The webhook's annotations for a ServiceAccount: the role ARN always, the others only when they are not defaults. */
export function serviceAccountAnnotations(input: ServiceAccountAnnotationInput): Record<string, string> {
  return {
    [ROLE_ARN_ANNOTATION]: input.roleArn,
    ...(input.audience !== STS_AUDIENCE ? { [AUDIENCE_ANNOTATION]: input.audience } : {}),
    ...(input.stsRegionalEndpoints !== undefined ? { [STS_REGIONAL_ENDPOINTS_ANNOTATION]: String(input.stsRegionalEndpoints) } : {}),
    ...(input.tokenExpiration ? { [TOKEN_EXPIRATION_ANNOTATION]: String(input.tokenExpiration.toSeconds()) } : {}),
  };
}
