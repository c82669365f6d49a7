import { createHash, generateKeyPairSync } from 'crypto';
import { Stack, Token } from 'aws-cdk-lib';
import { generate } from 'selfsigned';
import { MAX_PUBLISHED_KEYS, publishedKeysOf } from '../../src/private/service-account-keys';
import { testApp } from '../support/app';
import { EC_P256_PUBLIC_KEY, EC_P384_PUBLIC_KEY, RSA_2048_PUBLIC_KEY, RSA_3072_PUBLIC_KEY } from '../support/public-keys';

const KIND = 'ServiceAccountIssuer';
const scope = () => new Stack(testApp(), 'Stack');
const keysOf = (publicKeys: string[]) => publishedKeysOf(scope(), KIND, publicKeys);
const refusal = (message: string) => new Error(`${KIND} 'Stack': ${message}`);
const HOW = 'Give the public half of the API server\'s --service-account-signing-key-file (`openssl pkey -in sa.key -pubout`), ' +
  'or the file of its --service-account-key-file.';

/** The key ID as kube-apiserver computes it, from the PEM's own bytes: base64url(SHA-256(DER SubjectPublicKeyInfo)). */
function kidOfSpkiPem(pem: string): string {
  const der = Buffer.from(pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s/g, ''), 'base64');
  return createHash('sha256').update(der).digest('base64url');
}

describe('publishedKeysOf', () => {
  test('gives each RSA key the API server\'s key ID, RS256 and its modulus and exponent, members in the API server\'s order', () => {
    const [key] = keysOf([RSA_2048_PUBLIC_KEY]);

    expect(key.kid).toBe(kidOfSpkiPem(RSA_2048_PUBLIC_KEY));
    expect(key.alg).toBe('RS256');
    expect(Object.keys(key.jwk)).toEqual(['use', 'kty', 'kid', 'alg', 'n', 'e']);
    expect(key.jwk).toMatchObject({ use: 'sig', kty: 'RSA', kid: key.kid, alg: 'RS256', e: 'AQAB' });
    expect(Buffer.from(key.jwk.n, 'base64url')).toHaveLength(256);
  });

  test('gives ECDSA keys ES256 on P-256 and ES384 on P-384, with coordinates of the curve\'s size', () => {
    const [p256, p384] = keysOf([EC_P256_PUBLIC_KEY, EC_P384_PUBLIC_KEY]);

    expect(Object.keys(p256.jwk)).toEqual(['use', 'kty', 'kid', 'crv', 'alg', 'x', 'y']);
    expect(p256.jwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', kid: kidOfSpkiPem(EC_P256_PUBLIC_KEY) });
    expect(p384.jwk).toMatchObject({ kty: 'EC', crv: 'P-384', alg: 'ES384', kid: kidOfSpkiPem(EC_P384_PUBLIC_KEY) });
    expect(Buffer.from(p256.jwk.x, 'base64url')).toHaveLength(32);
    expect(Buffer.from(p384.jwk.y, 'base64url')).toHaveLength(48);
    const p521 = generateKeyPairSync('ec', { namedCurve: 'P-521' }).publicKey.export({ type: 'spki', format: 'pem' }) as string;
    expect(keysOf([p521])[0].jwk).toMatchObject({ crv: 'P-521', alg: 'ES512', kid: kidOfSpkiPem(p521) });
  });

  test('takes a PKCS#1 RSA public key and a certificate as the same key as its SPKI form', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const spki = publicKey.export({ type: 'spki', format: 'pem' }) as string;
    const pkcs1 = publicKey.export({ type: 'pkcs1', format: 'pem' }) as string;
    const certificate = (await generate([{ name: 'commonName', value: 'sa' }], {
      keyPair: { publicKey: spki, privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string },
    })).cert;

    const kids = [spki, pkcs1, certificate].map(pem => keysOf([pem])[0].kid);

    expect(kids).toEqual([kidOfSpkiPem(spki), kidOfSpkiPem(spki), kidOfSpkiPem(spki)]);
  });

  test('refuses a private key without repeating any of it', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    for (const pem of [privateKey.export({ type: 'pkcs8', format: 'pem' }), privateKey.export({ type: 'pkcs1', format: 'pem' })] as string[]) {
      let message = '';
      try {
        keysOf([RSA_2048_PUBLIC_KEY, pem]);
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toBe(`${KIND} 'Stack': publicKeys[1] is a private key. It was not used, and nothing of it was written. ` +
        `Only public keys may be published: the private key must stay on the control plane. ${HOW}`);
      const body = pem.split('\n')[1];
      expect(message).not.toContain(body.slice(0, 16));
    }
  });

  test('refuses what is not a usable public key, naming the entry', () => {
    const { publicKey: small } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const { publicKey: k1 } = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
    const { publicKey: ed } = generateKeyPairSync('ed25519');
    const pem = (key: typeof ed) => key.export({ type: 'spki', format: 'pem' }) as string;

    expect(() => keysOf([])).toThrow(refusal(`publicKeys is empty. ${HOW}`));
    expect(() => keysOf(['ssh-rsa AAAAB3Nza'])).toThrow(refusal(`publicKeys[0] is not PEM text (no "-----BEGIN PUBLIC KEY-----" block). ${HOW}`));
    expect(() => keysOf([RSA_2048_PUBLIC_KEY + EC_P256_PUBLIC_KEY]))
      .toThrow(refusal('publicKeys[0] holds 2 PEM blocks (PUBLIC KEY, PUBLIC KEY). Give each key as its own entry of publicKeys.'));
    expect(() => keysOf(['-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n']))
      .toThrow(refusal(`publicKeys[0] is a PEM block labelled "EC PARAMETERS", not a public key. Give a "PUBLIC KEY" block. ${HOW}`));
    expect(() => keysOf([RSA_2048_PUBLIC_KEY.replace('MIIB', 'MIIC')]))
      .toThrow(/^ServiceAccountIssuer 'Stack': publicKeys\[0\] is a "PUBLIC KEY" block that cannot be read \(.+\)\. Give the public half/);
    expect(() => keysOf([pem(small)])).toThrow(refusal('publicKeys[0] is an RSA key of 1024 bits; IAM and kube-apiserver need at least 2048. ' +
      'Generate a new signing key (`openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048`).'));
    expect(() => keysOf([RSA_3072_PUBLIC_KEY, pem(k1)])).toThrow(refusal('publicKeys[1] is an ECDSA key on curve secp256k1; kube-apiserver signs ' +
      'ServiceAccount tokens only with RSA (2048 bits or more) or ECDSA on P-256, P-384 or P-521. Generate a signing key of one of those kinds.'));
    expect(() => keysOf([pem(ed)])).toThrow(refusal('publicKeys[0] is a key of type ed25519; kube-apiserver signs ' +
      'ServiceAccount tokens only with RSA (2048 bits or more) or ECDSA on P-256, P-384 or P-521. Generate a signing key of one of those kinds.'));
  });

  test('refuses the same key twice, a deploy-time value, and more keys than STS reads', () => {
    expect(() => keysOf([EC_P256_PUBLIC_KEY, RSA_2048_PUBLIC_KEY, EC_P256_PUBLIC_KEY.replace(/\n/g, '\r\n')]))
      .toThrow(refusal(`publicKeys[2] is the same key as publicKeys[0] (key ID ${kidOfSpkiPem(EC_P256_PUBLIC_KEY)}). Give each key once.`));
    expect(() => keysOf([Token.asString({ Ref: 'Key' })])).toThrow(refusal('publicKeys must be literal PEM text, not values known only at deploy ' +
      'time: each key\'s ID is computed at synthesis. Read the file in the app (fs.readFileSync(\'sa.pub\', \'utf8\')).'));
    expect(() => keysOf(Array(MAX_PUBLISHED_KEYS + 1).fill(RSA_2048_PUBLIC_KEY)))
      .toThrow(refusal('publicKeys has 101 keys; STS reads at most 100 keys of an issuer\'s JWKS. Publish only the keys whose tokens may still be in use.'));
  });
});
