import { randomUUID } from 'crypto';
import { decodeJwt, JWTPayload, KeyLike, SignJWT } from 'jose';
import { InputError } from './cloud-assembly';

/** What the kubelet asks the API server for when it projects a ServiceAccount token into a pod. */
export interface ServiceAccountTokenRequest {
  readonly issuerUrl: string;
  readonly namespace: string;
  readonly serviceAccountName: string;
  readonly audience: string;
  /** The pod the token is bound to. @default - a pod named after the ServiceAccount */
  readonly podName?: string;
  /** Issue time. @default - now */
  readonly issuedAt?: Date;
  /** Lifetime in seconds. @default 86400, the pod identity webhook's default */
  readonly expiresInSeconds?: number;
}

/** The claims of a projected ServiceAccount token (`kubernetes.io` carries the object references). */
export interface ServiceAccountTokenClaims extends JWTPayload {
  readonly 'kubernetes.io'?: {
    readonly namespace?: string;
    readonly pod?: { readonly name: string; readonly uid: string };
    readonly serviceaccount?: { readonly name: string; readonly uid: string };
  };
}

/** Signs a token with the claims Kubernetes puts in a projected ServiceAccount token, RS256 like EKS. */
export async function signServiceAccountToken(request: ServiceAccountTokenRequest, key: KeyLike, kid: string): Promise<string> {
  const issuedAt = Math.floor((request.issuedAt ?? new Date()).getTime() / 1000);
  const expiresIn = request.expiresInSeconds ?? 86400;
  const claims: ServiceAccountTokenClaims = {
    'kubernetes.io': {
      namespace: request.namespace,
      pod: { name: request.podName ?? `${request.serviceAccountName}-0`, uid: randomUUID() },
      serviceaccount: { name: request.serviceAccountName, uid: randomUUID() },
    },
  };
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid })
    .setIssuer(request.issuerUrl)
    .setSubject(`system:serviceaccount:${request.namespace}:${request.serviceAccountName}`)
    .setAudience([request.audience])
    .setIssuedAt(issuedAt)
    .setNotBefore(issuedAt)
    .setExpirationTime(issuedAt + expiresIn)
    .sign(key);
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
