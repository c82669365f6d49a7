import { generateKeyPairSync, KeyObject } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { serveDocuments } from '../../lab/https-issuer';
import { getAnonymously } from '../../lab/kube/api-server-keys';
import { KubeLab } from '../../lab/kube/kube-lab';
import { servedIssuerDocuments } from '../../lab/kube/served-issuer';
import { StsEmulator, StsError } from '../../lab/sts-emulator';
import { IrsaCluster, ServiceAccountIssuer } from '../../src';
import { readStacks } from '../../src/verify/cloud-assembly';
import { deployedAccountOf } from '../../src/verify/deployed-account';
import { testApp } from '../support/app';
import { testDirectory } from '../support/test-directory';

/*
 * The proof that a ServiceAccountIssuer publishes what a real kube-apiserver's tokens need: the API server is started
 * with the flags the construct gives, and signs with the key pair whose public half the construct published; the
 * lab's STS fetches the discovery document and JWKS as API Gateway would serve them from the synthesized template.
 */

const DOMAIN = 'oidc.cluster-a.example';
const ISSUER_URL = `https://${DOMAIN}`;
const STS = 'sts.amazonaws.com';

interface KeyPair {
  readonly publicPem: string;
  readonly publicFile: string;
  readonly privateFile: string;
}

function keyPair(name: string, kind: 'rsa' | 'ec'): KeyPair {
  const { privateKey, publicKey } = kind === 'rsa'
    ? generateKeyPairSync('rsa', { modulusLength: 2048 })
    : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const dir = testDirectory(`key-${name}`);
  const publicPem = (publicKey as KeyObject).export({ type: 'spki', format: 'pem' }) as string;
  const publicFile = path.join(dir, 'sa.pub');
  const privateFile = path.join(dir, 'sa.key');
  fs.writeFileSync(publicFile, publicPem);
  fs.writeFileSync(privateFile, (privateKey as KeyObject).export({ type: 'pkcs8', format: 'pem' }));
  return { publicPem, publicFile, privateFile };
}

/** A synthesized app: the issuer publishing `published`, the provider, and ServiceAccounts shop/app and shop/other. */
function synthesize(published: KeyPair[], signing: KeyPair) {
  const app: App = testApp();
  const stack = new Stack(app, 'SelfManaged', { env: { account: '123456789012', region: 'eu-west-2' } });
  const certificate = acm.Certificate.fromCertificateArn(stack, 'Certificate', 'arn:aws:acm:eu-west-2:123456789012:certificate/1');
  const issuer = new ServiceAccountIssuer(stack, 'Issuer', {
    publicKeys: published.map(key => key.publicPem),
    domain: { domainName: DOMAIN, certificate },
    apiServerKeyFiles: published.map(key => key.publicFile),
    apiServerSigningKeyFile: signing.privateFile,
  });
  const irsa = new IrsaCluster(stack, 'Irsa', { issuer });
  const app1 = irsa.addServiceAccount('App', { namespace: 'shop', name: 'app' });
  const other = irsa.addServiceAccount('Other', { namespace: 'shop', name: 'other' });
  const dir = app.synth().directory;
  const template = JSON.parse(fs.readFileSync(path.join(dir, 'SelfManaged.template.json'), 'utf8'));
  return {
    issuer,
    dir,
    appRoleArn: app1.roleArn,
    otherRoleArn: other.roleArn,
    served: servedIssuerDocuments(template, issuer.issuerUrl),
    manifest: fs.readFileSync(path.join(dir, 'SelfManaged.Irsa.k8s.yaml'), 'utf8'),
  };
}

type Synthesized = ReturnType<typeof synthesize>;

/** Asks the lab's STS, which fetches the issuer's documents from where the synthesized API serves them. */
async function assume(synthesized: Synthesized, roleArn: string, token: string): Promise<string> {
  const server = await serveDocuments(synthesized.served);
  try {
    const sts = new StsEmulator(deployedAccountOf(readStacks(synthesized.dir)), server.jwksSource);
    const result = await sts.assumeRoleWithWebIdentity({ roleArn, roleSessionName: 'proof', webIdentityToken: token });
    return `allowed ${result.subjectFromWebIdentityToken}`;
  } catch (e) {
    if (e instanceof StsError) return `${e.code}: ${e.message}`;
    throw e;
  } finally {
    await server.close();
  }
}

async function startLab(synthesized: Synthesized, signing: KeyPair): Promise<KubeLab> {
  const lab = await KubeLab.start({ apiServerFlags: synthesized.issuer.apiServerFlags, signingKeyFile: signing.privateFile });
  const namespace = await lab.kubectl(['create', 'namespace', 'shop']);
  const applied = await lab.kubectl(['apply', '-f', '-'], synthesized.manifest);
  if (namespace.code !== 0 || applied.code !== 0) {
    await lab.close();
    throw new Error(`the ServiceAccounts were not applied: ${namespace.stderr}${applied.stderr}`);
  }
  return lab;
}

const tokenOf = (lab: KubeLab, name: string) => lab.requestToken('shop', name, { audiences: [STS] });

describe('ServiceAccountIssuer with the real kube-apiserver', () => {
  const oldKey = keyPair('old', 'rsa');
  const newKey = keyPair('new', 'ec');
  let oldToken = '';

  test('RSA: the API server started with the construct\'s flags serves the documents the construct published, and its tokens verify against them', async () => {
    // GIVEN
    const synthesized = synthesize([oldKey], oldKey);
    const lab = await startLab(synthesized, oldKey);
    try {
      // WHEN
      const token = await tokenOf(lab, 'app');
      const otherToken = await tokenOf(lab, 'other');
      const ownDiscovery = await getAnonymously(`${lab.server}/.well-known/openid-configuration`, lab.ca);
      const ownJwks = await getAnonymously(`${lab.server}/openid/v1/jwks`, lab.ca);

      // THEN the API server describes itself exactly as the published documents do
      expect(lab.issuer).toBe(ISSUER_URL);
      expect(ownDiscovery).toEqual(JSON.parse(synthesized.issuer.discoveryDocument));
      expect(ownJwks).toEqual(JSON.parse(synthesized.issuer.jwks));
      // AND its token names the published key, and the published JWKS (not the API server's) verifies it
      expect(decodeProtectedHeader(token)).toEqual({ alg: 'RS256', kid: synthesized.issuer.keyIds[0] });
      const { payload } = await jwtVerify(token, createLocalJWKSet(JSON.parse(synthesized.served.get(synthesized.issuer.jwksUri)!)),
        { issuer: ISSUER_URL, audience: STS });
      expect(payload.sub).toBe('system:serviceaccount:shop:app');
      // AND STS lets each ServiceAccount into its own role only
      expect(await assume(synthesized, synthesized.appRoleArn, token)).toBe('allowed system:serviceaccount:shop:app');
      expect(await assume(synthesized, synthesized.otherRoleArn, otherToken)).toBe('allowed system:serviceaccount:shop:other');
      expect(await assume(synthesized, synthesized.appRoleArn, otherToken)).toBe('AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity');
      oldToken = token;
    } finally {
      await lab.close();
    }
  });

  test('ECDSA and rotation: with both keys published, tokens of the old RSA key and the new P-256 key verify; once the old key is dropped, its tokens are refused', async () => {
    expect(oldToken).not.toBe('');
    // GIVEN the new key beside the old one, the API server signing with the new one
    const both = synthesize([oldKey, newKey], newKey);
    const lab = await startLab(both, newKey);
    let newToken: string;
    try {
      newToken = await tokenOf(lab, 'app');
      expect(await getAnonymously(`${lab.server}/openid/v1/jwks`, lab.ca)).toEqual(JSON.parse(both.issuer.jwks));
      // Two kinds of key: the algorithms are listed as the API server lists them.
      expect(await getAnonymously(`${lab.server}/.well-known/openid-configuration`, lab.ca)).toEqual(JSON.parse(both.issuer.discoveryDocument));
    } finally {
      await lab.close();
    }
    expect(decodeProtectedHeader(newToken)).toEqual({ alg: 'ES256', kid: both.issuer.keyIds[1] });

    // THEN both tokens are let in while both keys are published
    expect(await assume(both, both.appRoleArn, oldToken)).toBe('allowed system:serviceaccount:shop:app');
    expect(await assume(both, both.appRoleArn, newToken)).toBe('allowed system:serviceaccount:shop:app');

    // AND once only the new key is published, the old key's token is refused and the new one is not
    const newOnly = synthesize([newKey], newKey);
    expect(await assume(newOnly, newOnly.appRoleArn, oldToken)).toBe('InvalidIdentityToken: The signature of the web identity token could not be verified');
    expect(await assume(newOnly, newOnly.appRoleArn, newToken)).toBe('allowed system:serviceaccount:shop:app');
  });
});
