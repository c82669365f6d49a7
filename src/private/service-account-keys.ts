import { createHash, createPublicKey, KeyObject, X509Certificate } from 'crypto';
import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { fail } from './construct-error';

/*
 * The public keys of a cluster's ServiceAccount token signer, as its JWKS publishes them. The key ID must be the one
 * kube-apiserver puts in each token's header: `keyIDFromPublicKey` in kubernetes' pkg/serviceaccount/jwt.go, which
 * is the unpadded base64url encoding of the SHA-256 of the key's DER PKIX (SubjectPublicKeyInfo) encoding. STS picks
 * the key by that ID, so a JWKS with any other ID verifies no token.
 */

/** One published key: its ID, the algorithm the API server signs with it, and its JWK. */
export interface PublishedKey {
  readonly kid: string;
  readonly alg: string;
  /** The JWK, with its members in the order kube-apiserver serves them. */
  readonly jwk: Record<string, string>;
}

/** The algorithm kube-apiserver signs with for each kind of key (pkg/serviceaccount/jwt.go, signerFromECDSAPrivateKey). */
const EC_ALGORITHMS: Record<string, { crv: string; alg: string }> = {
  prime256v1: { crv: 'P-256', alg: 'ES256' },
  secp384r1: { crv: 'P-384', alg: 'ES384' },
  secp521r1: { crv: 'P-521', alg: 'ES512' },
};
const MIN_RSA_BITS = 2048;
/** STS reads at most this many keys of an issuer's JWKS: a key after them verifies nothing. */
export const MAX_PUBLISHED_KEYS = 100;
/** The PEM labels of a public key: SPKI, PKCS#1 RSA, or a certificate (whose key is used, as the API server does). */
const PUBLIC_LABELS = ['PUBLIC KEY', 'RSA PUBLIC KEY', 'CERTIFICATE'];
const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;
const HOW_TO_GET_PUBLIC_KEY = 'Give the public half of the API server\'s --service-account-signing-key-file ' +
  '(`openssl pkey -in sa.key -pubout`), or the file of its --service-account-key-file.';

/** Reads `publicKeys`, failing on anything that is not a usable public key, and never repeating key material. */
export function publishedKeysOf(scope: IConstruct, kind: string, publicKeys: string[]): PublishedKey[] {
  if (Token.isUnresolved(publicKeys) || publicKeys.some(key => Token.isUnresolved(key))) {
    fail(scope, kind, 'publicKeys must be literal PEM text, not values known only at deploy time: each key\'s ID is computed ' +
      'at synthesis. Read the file in the app (fs.readFileSync(\'sa.pub\', \'utf8\')).');
  }
  if (publicKeys.length === 0) fail(scope, kind, `publicKeys is empty. ${HOW_TO_GET_PUBLIC_KEY}`);
  if (publicKeys.length > MAX_PUBLISHED_KEYS) {
    fail(scope, kind, `publicKeys has ${publicKeys.length} keys; STS reads at most ${MAX_PUBLISHED_KEYS} keys of an issuer's JWKS. ` +
      'Publish only the keys whose tokens may still be in use.');
  }
  const keys = publicKeys.map((pem, index) => publishedKeyOf(scope, kind, pem, `publicKeys[${index}]`));
  keys.forEach((key, index) => {
    const first = keys.findIndex(other => other.kid === key.kid);
    if (first !== index) {
      fail(scope, kind, `publicKeys[${index}] is the same key as publicKeys[${first}] (key ID ${key.kid}). Give each key once.`);
    }
  });
  return keys;
}

function publishedKeyOf(scope: IConstruct, kind: string, pem: string, where: string): PublishedKey {
  const blocks = [...pem.matchAll(PEM_BLOCK)].map(match => match[1]);
  if (blocks.some(label => label.includes('PRIVATE KEY'))) {
    fail(scope, kind, `${where} is a private key. It was not used, and nothing of it was written. Only public keys may be published: ` +
      `the private key must stay on the control plane. ${HOW_TO_GET_PUBLIC_KEY}`);
  }
  if (blocks.length === 0) {
    fail(scope, kind, `${where} is not PEM text (no "-----BEGIN PUBLIC KEY-----" block). ${HOW_TO_GET_PUBLIC_KEY}`);
  }
  if (blocks.length > 1) {
    fail(scope, kind, `${where} holds ${blocks.length} PEM blocks (${blocks.join(', ')}). Give each key as its own entry of publicKeys.`);
  }
  if (!PUBLIC_LABELS.includes(blocks[0])) {
    fail(scope, kind, `${where} is a PEM block labelled "${blocks[0]}", not a public key. Give a "PUBLIC KEY" block. ${HOW_TO_GET_PUBLIC_KEY}`);
  }
  let key: KeyObject;
  try {
    key = blocks[0] === 'CERTIFICATE' ? new X509Certificate(pem).publicKey : createPublicKey({ key: pem, format: 'pem' });
  } catch (e) {
    return fail(scope, kind, `${where} is a "${blocks[0]}" block that cannot be read (${(e as Error).message}). ${HOW_TO_GET_PUBLIC_KEY}`);
  }
  return publishedKeyFrom(scope, kind, key, where);
}

function publishedKeyFrom(scope: IConstruct, kind: string, key: KeyObject, where: string): PublishedKey {
  const spki = key.export({ type: 'spki', format: 'der' });
  const kid = createHash('sha256').update(spki).digest('base64url');
  const jwk = key.export({ format: 'jwk' });
  if (key.asymmetricKeyType === 'rsa') {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < MIN_RSA_BITS) {
      fail(scope, kind, `${where} is an RSA key of ${bits} bits; IAM and kube-apiserver need at least ${MIN_RSA_BITS}. ` +
        'Generate a new signing key (`openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048`).');
    }
    return { kid, alg: 'RS256', jwk: { use: 'sig', kty: 'RSA', kid, alg: 'RS256', n: jwk.n!, e: jwk.e! } };
  }
  const curve = key.asymmetricKeyType === 'ec' ? EC_ALGORITHMS[key.asymmetricKeyDetails?.namedCurve ?? ''] : undefined;
  if (!curve) {
    const what = key.asymmetricKeyType === 'ec'
      ? `an ECDSA key on curve ${key.asymmetricKeyDetails?.namedCurve ?? '(explicit parameters)'}`
      : `a key of type ${key.asymmetricKeyType}`;
    fail(scope, kind, `${where} is ${what}; kube-apiserver signs ServiceAccount tokens only with RSA (2048 bits or more) ` +
      'or ECDSA on P-256, P-384 or P-521. Generate a signing key of one of those kinds.');
  }
  return { kid, alg: curve.alg, jwk: { use: 'sig', kty: 'EC', kid, crv: curve.crv, alg: curve.alg, x: jwk.x!, y: jwk.y! } };
}
