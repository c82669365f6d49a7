import { randomUUID } from 'crypto';
import { KeyLike, SignJWT } from 'jose';
import { ServiceAccountTokenClaims } from '../src/verify/token-claims';

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
