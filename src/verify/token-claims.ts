import { decodeJwt, JWTPayload } from 'jose';
import { InputError } from './cloud-assembly';
import { SERVICE_ACCOUNT_SUBJECT_PREFIX } from '../private/irsa-constants';

/** The claims of a projected ServiceAccount token (`kubernetes.io` carries the object references). */
export interface ServiceAccountTokenClaims extends JWTPayload {
  readonly 'kubernetes.io'?: {
    readonly namespace?: string;
    readonly pod?: { readonly name: string; readonly uid: string };
    readonly serviceaccount?: { readonly name: string; readonly uid: string };
  };
}

/** Reads a token's claims without verifying it; a clear error when it is not a JWT at all. */
export function readTokenClaims(token: string, origin: string): ServiceAccountTokenClaims {
  try {
    return decodeJwt(token.trim()) as ServiceAccountTokenClaims;
  } catch (e) {
    throw new InputError(`${origin} is not a JWT (${(e as Error).message}). A ServiceAccount token is three base64url parts ` +
      'separated by dots; in a pod it is the file named by AWS_WEB_IDENTITY_TOKEN_FILE.');
  }
}

/** The audiences of a token: JWTs allow one string or a list. */
export function audiencesOf(claims: JWTPayload): string[] {
  return claims.aud === undefined ? [] : [claims.aud].flat();
}

/** The ServiceAccount a token's `sub` names (`system:serviceaccount:<namespace>:<name>`), or `undefined` for another subject. */
export function serviceAccountOf(claims: JWTPayload): { namespace: string; name: string } | undefined {
  const sub = claims.sub ?? '';
  if (!sub.startsWith(SERVICE_ACCOUNT_SUBJECT_PREFIX)) return undefined;
  const [namespace, name, ...rest] = sub.slice(SERVICE_ACCOUNT_SUBJECT_PREFIX.length).split(':');
  return namespace && name && rest.length === 0 ? { namespace, name } : undefined;
}
