import { generateKeyPairSync } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { generate } from 'selfsigned';
import * as YAML from 'yaml';
import { serveDocuments } from '../../lab/https-issuer';
import { freeLoopbackPort, installWebhook } from '../../lab/kube/installed-webhook';
import { KubeLab } from '../../lab/kube/kube-lab';
import { createPod, injectedIdentity, kubeletToken } from '../../lab/kube/pod-identity';
import { StsEmulator, StsError } from '../../lab/sts-emulator';
import { IrsaCluster, PodIdentityWebhook, ServiceAccountIssuer, WebhookCertificate } from '../../src';
import { readStacks } from '../../src/verify/cloud-assembly';
import { deployedAccountOf } from '../../src/verify/deployed-account';
import { testApp } from '../support/app';
import { testDirectory } from '../support/test-directory';

/*
 * The proof that a PodIdentityWebhook's manifests make a working webhook on a real kube-apiserver: the lab starts
 * without its own webhook, the construct's objects are applied as synthesized, its Deployment's command runs (the
 * upstream handler, as the lab builds it) with a token of the construct's ServiceAccount and the certificate the user
 * gave, and the API server calls it through the construct's MutatingWebhookConfiguration. A mutated Pod's token then
 * assumes its role at the lab's STS, which reads the issuer's documents from the files the cloud assembly holds.
 */

const ISSUER_URL = 'https://oidc.cluster-a.example';
const MUTATION_SETTLE_MS = 15_000;

describe('PodIdentityWebhook on the real kube-apiserver', () => {
  let lab: KubeLab | undefined;
  let webhook: { close(): Promise<void> } | undefined;
  afterAll(async () => {
    await webhook?.close();
    await lab?.close();
  });

  test('the construct\'s webhook, as a user-given certificate serves it, mutates an annotated ServiceAccount\'s Pod, whose token then assumes its role', async () => {
    // GIVEN a cluster's key pair, the certificate the user made for the webhook's Service, and the app
    const dir = testDirectory('webhook-keys');
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const signingKeyFile = path.join(dir, 'sa.key');
    const publicKeyFile = path.join(dir, 'sa.pub');
    fs.writeFileSync(signingKeyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    fs.writeFileSync(publicKeyFile, publicKey.export({ type: 'spki', format: 'pem' }));
    const serviceName = 'pod-identity-webhook.pod-identity-webhook.svc';
    const serving = await generate([{ name: 'commonName', value: serviceName }], {
      keySize: 2048,
      notAfterDate: new Date(Date.now() + 24 * 3600 * 1000),
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 2 as const, value: serviceName }] }],
    });
    const servicePort = await freeLoopbackPort();

    const app: App = testApp();
    const stack = new Stack(app, 'SelfManaged', { env: { account: '123456789012', region: 'eu-west-2' } });
    const issuer = new ServiceAccountIssuer(stack, 'Issuer', {
      publicKeys: [publicKey.export({ type: 'spki', format: 'pem' }) as string],
      issuerUrl: ISSUER_URL,
      apiServerKeyFiles: [publicKeyFile],
      apiServerSigningKeyFile: signingKeyFile,
    });
    const cluster = new IrsaCluster(stack, 'Irsa', { issuer });
    const orders = cluster.addServiceAccount('Orders', { namespace: 'shop', name: 'orders' });
    const reports = cluster.addServiceAccount('Reports', { namespace: 'shop', name: 'reports' });
    new PodIdentityWebhook(stack, 'Webhook', { cluster, certificate: WebhookCertificate.fromSecret('webhook-tls', serving.cert), servicePort });
    const assembly = app.synth().directory;
    const manifests = YAML.parseAllDocuments(fs.readFileSync(path.join(assembly, 'SelfManaged.Irsa.k8s.yaml'), 'utf8')).map(d => d.toJS());
    // The issuer is hosted elsewhere: its documents are the files the cloud assembly holds for upload.
    const documents = new Map([
      [`${ISSUER_URL}/.well-known/openid-configuration`, fs.readFileSync(path.join(assembly, issuer.discoveryDocumentFileName), 'utf8')],
      [issuer.jwksUri, fs.readFileSync(path.join(assembly, issuer.jwksFileName), 'utf8')],
    ]);
    const serviceAccounts = manifests.filter(m => m.metadata.namespace === 'shop');
    const webhookObjects = manifests.filter(m => !serviceAccounts.includes(m));

    // WHEN the API server runs with the issuer's flags and no webhook of the lab's, and the construct's webhook is installed
    lab = await KubeLab.start({ apiServerFlags: issuer.apiServerFlags, signingKeyFile, webhook: false });
    webhook = await installWebhook(lab, webhookObjects, { certificatePem: serving.cert, privateKeyPem: serving.private });
    expect((await lab.kubectl(['create', 'namespace', 'shop'])).code).toBe(0);
    expect((await lab.kubectl(['apply', '-f', '-'], serviceAccounts.map(m => YAML.stringify(m)).join('---\n'))).code).toBe(0);

    // THEN Pods of the annotated ServiceAccounts are mutated (once the API server and the webhook's cache have caught up)
    const ordersPod = await mutatedPod(lab, 'orders');
    const injected = injectedIdentity(ordersPod);
    expect(injected).toMatchObject({
      roleArn: orders.roleArn,
      tokenFile: '/var/run/secrets/eks.amazonaws.com/serviceaccount/token',
      token: { audience: 'sts.amazonaws.com', expirationSeconds: 86400, path: 'token' },
    });
    const reportsPod = await mutatedPod(lab, 'reports');
    expect(injectedIdentity(reportsPod).roleArn).toBe(reports.roleArn);
    // AND a Pod of a ServiceAccount without the annotation is left alone
    const plain = await createPod(lab, podOf('default', 'plain'));
    expect(injectedIdentity(plain)).toEqual({});

    // AND the token kubelet would mount assumes the Pod's role, and no other
    const served = await serveDocuments(documents);
    try {
      const sts = new StsEmulator(deployedAccountOf(readStacks(assembly)), served.jwksSource);
      const assume = async (roleArn: string, token: string) => {
        try {
          return `allowed ${(await sts.assumeRoleWithWebIdentity({ roleArn, roleSessionName: 'proof', webIdentityToken: token })).subjectFromWebIdentityToken}`;
        } catch (e) {
          if (e instanceof StsError) return e.code;
          throw e;
        }
      };
      const ordersToken = await kubeletToken(lab, ordersPod);
      expect(await assume(injected.roleArn!, ordersToken)).toBe('allowed system:serviceaccount:shop:orders');
      expect(await assume(reports.roleArn, ordersToken)).toBe('AccessDenied');
    } finally {
      await served.close();
    }

    // AND the webhook's ServiceAccount may read ServiceAccounts, and not Secrets
    const as = ['--as=system:serviceaccount:pod-identity-webhook:pod-identity-webhook'];
    expect((await lab.kubectl(['auth', 'can-i', 'watch', 'serviceaccounts', '--all-namespaces', ...as])).stdout.trim()).toBe('yes');
    expect((await lab.kubectl(['auth', 'can-i', 'get', 'secrets', '-n', 'pod-identity-webhook', ...as])).stdout.trim()).toBe('no');
  });
});

function podOf(serviceAccount: string, name: string): any {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'shop' },
    spec: { serviceAccountName: serviceAccount, containers: [{ name: 'app', image: 'public.ecr.aws/aws-cli/aws-cli:2.22.0' }] },
  };
}

/**
 * Creates Pods of `serviceAccount` until one is mutated: the API server starts calling a new webhook configuration a
 * moment after it is stored, and the webhook's cache sees a new ServiceAccount a moment after it is created. Fails
 * when none is mutated within MUTATION_SETTLE_MS.
 */
async function mutatedPod(lab: KubeLab, serviceAccount: string): Promise<any> {
  const deadline = Date.now() + MUTATION_SETTLE_MS;
  for (let attempt = 0; ; attempt++) {
    const name = `${serviceAccount}-${attempt}`;
    const pod = await createPod(lab, podOf(serviceAccount, name));
    if (injectedIdentity(pod).roleArn !== undefined) return pod;
    await lab.delete(`/api/v1/namespaces/shop/pods/${name}`);
    if (Date.now() > deadline) throw new Error(`no Pod of shop/${serviceAccount} was mutated within ${MUTATION_SETTLE_MS} ms`);
    await new Promise(resolve => setTimeout(resolve, 200));
  }
}
