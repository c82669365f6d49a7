import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as https from 'https';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { ensureBuilt } from './go-build';
import { KubeLab } from './kube-lab';

/** A pod identity webhook installed from its manifests, running beside the lab. */
export interface InstalledWebhook {
  /** Where the process writes its log. */
  readonly logFile: string;
  close(): Promise<void>;
}

/** The certificate the webhook serves with, as the Secret the manifests mount holds it. */
export interface ServingCertificate {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
}

const READY_TIMEOUT_MS = 30_000;

/**
 * Installs a pod identity webhook from its manifests (a PodIdentityWebhook's objects) on a lab started with
 * `webhook: false`, standing in for what a cluster's nodes would do with them, and nothing else:
 *
 * - every object is applied as written, and the Secret its Deployment mounts is created from `serving`;
 * - the lab has no kubelet, so the Deployment's container command runs as a process, with the Secret's files where
 *   the volume would put them, and a kubeconfig holding a token of the Deployment's ServiceAccount (so the RBAC of the
 *   manifests is all it may use), listening on loopback at the Service's port;
 * - the lab has no kube-proxy, so the Service is replaced by an ExternalName Service for `localhost` with the same
 *   name and port: the API server resolves the webhook configuration's service to it, and still checks the serving
 *   certificate for `<service>.<namespace>.svc` against the configuration's caBundle.
 */
export async function installWebhook(lab: KubeLab, manifests: any[], serving: ServingCertificate): Promise<InstalledWebhook> {
  const deployment = only(manifests, 'Deployment');
  const service = only(manifests, 'Service');
  const namespace: string = deployment.metadata.namespace;
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];
  const secretName: string = pod.volumes.find((v: any) => v.secret).secret.secretName;
  const port: number = service.spec.ports[0].port;

  const applied = await lab.kubectl(['apply', '-f', '-'], manifests.map(m => YAML.stringify(m)).join('---\n'));
  if (applied.code !== 0) throw new Error(`the webhook's manifests were not applied: ${applied.stderr}`);
  await lab.create(`/api/v1/namespaces/${namespace}/secrets`, {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/tls',
    metadata: { name: secretName, namespace },
    data: { 'tls.crt': base64(serving.certificatePem), 'tls.key': base64(serving.privateKeyPem) },
  });
  await lab.delete(`/api/v1/namespaces/${namespace}/services/${service.metadata.name}`);
  await lab.waitFor(`/api/v1/namespaces/${namespace}/services`, list => list.items.length === 0 || undefined, 'the Service to be gone');
  await lab.create(`/api/v1/namespaces/${namespace}/services`, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: service.metadata.name, namespace },
    spec: { type: 'ExternalName', externalName: 'localhost', ports: service.spec.ports.map((p: any) => ({ name: p.name, port: p.port })) },
  });

  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-irsa-webhook-'));
  const certificates = path.join(home, 'certs');
  fs.mkdirSync(certificates);
  // The Secret as the API server stores it, written where the volume mount would put its keys.
  const secret = await lab.get(`/api/v1/namespaces/${namespace}/secrets/${secretName}`);
  for (const [key, value] of Object.entries<string>(secret.data)) fs.writeFileSync(path.join(certificates, key), Buffer.from(value, 'base64'));
  const kubeconfig = path.join(home, 'kubeconfig');
  const token = await lab.requestToken(namespace, pod.serviceAccountName, { audiences: [lab.issuer], expirationSeconds: 3600 });
  fs.writeFileSync(kubeconfig, tokenKubeconfig(lab, token));

  const logFile = path.join(home, 'webhook.log');
  const log = fs.openSync(logFile, 'a');
  const args = [
    ...container.command.slice(1),
    `--kubeconfig=${kubeconfig}`,
    `--tls-cert=${path.join(certificates, 'tls.crt')}`,
    `--tls-key=${path.join(certificates, 'tls.key')}`,
    `--port=${port}`,
  ];
  const child = spawn(ensureBuilt().webhook, args, { stdio: ['ignore', log, log] });
  fs.closeSync(log);
  const exited = new Promise<void>(resolve => child.on('exit', () => resolve()));
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    fs.rmSync(home, { recursive: true, force: true });
  };
  try {
    await waitUntilHealthy(child, port, serving.certificatePem, `${service.metadata.name}.${namespace}.svc`, logFile);
  } catch (e) {
    await close();
    throw e;
  }
  return { logFile, close };
}

/** A free port on loopback, for a webhook Service's port. */
export async function freeLoopbackPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise(resolve => server.close(resolve));
  return port;
}

function only(manifests: any[], kind: string): any {
  const found = manifests.filter(m => m.kind === kind);
  if (found.length !== 1) throw new Error(`the webhook's manifests hold ${found.length} objects of kind ${kind}, not 1`);
  return found[0];
}

function base64(text: string): string {
  return Buffer.from(text).toString('base64');
}

function tokenKubeconfig(lab: KubeLab, token: string): string {
  return YAML.stringify({
    'apiVersion': 'v1',
    'kind': 'Config',
    'clusters': [{ name: 'lab', cluster: { 'server': lab.server, 'certificate-authority-data': lab.ca.toString('base64') } }],
    'users': [{ name: 'webhook', user: { token } }],
    'contexts': [{ name: 'lab', context: { cluster: 'lab', user: 'webhook' } }],
    'current-context': 'lab',
  });
}

async function waitUntilHealthy(child: ChildProcess, port: number, ca: string, serverName: string, logFile: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the webhook exited (${child.exitCode}):\n${fs.readFileSync(logFile, 'utf8')}`);
    const healthy = await new Promise<boolean>(resolve => {
      const request = https.get({ host: '127.0.0.1', port, path: '/healthz', ca, servername: serverName, timeout: 1000 }, response => {
        response.resume();
        resolve(response.statusCode === 200);
      });
      request.on('timeout', () => request.destroy());
      request.on('error', () => resolve(false));
    });
    if (healthy) return;
    if (Date.now() > deadline) throw new Error(`the webhook did not answer on port ${port} within ${READY_TIMEOUT_MS} ms:\n${fs.readFileSync(logFile, 'utf8')}`);
    await new Promise(resolve => setTimeout(resolve, 200));
  }
}
