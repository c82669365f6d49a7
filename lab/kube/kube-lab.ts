import { ChildProcess, execFile, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ensureBuilt } from './go-build';
import { KubeClient, TokenRequestSpec } from './kube-client';

export interface KubeLabOptions {
  /** `--service-account-issuer`. @default - the API server's own URL */
  readonly issuerUrl?: string;
  /** The kind of signing key the control plane generates. @default 'rsa' */
  readonly signingKeyType?: 'rsa' | 'ecdsa';
  /** A PEM private key file to sign with instead. */
  readonly signingKeyFile?: string;
  /**
   * kube-apiserver's service-account flags, `--name=value`, instead of the lab's own (`issuerUrl` is then not used, and
   * `signingKeyFile` must be the key of their `--service-account-signing-key-file`).
   */
  readonly apiServerFlags?: string[];
  /**
   * Whether to run and register the lab's pod identity webhook. Leave it off to install one yourself (from the
   * manifests of a PodIdentityWebhook, say): Pods are then mutated by that one alone.
   * @default true
   */
  readonly webhook?: boolean;
  /** The webhook's `--service-account-lookup-grace-period`, in milliseconds. @default 0 (upstream's default) */
  readonly webhookLookupGraceMs?: number;
}

/** What kubectl printed and how it ended. */
export interface KubectlResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const READY_LINE = /^lab:kube ready: server (\S+) issuer (\S+) kubeconfig (.+)$/m;
const START_TIMEOUT_MS = 120_000;
const KUBECTL_TIMEOUT_MS = 60_000;
const LOG_LINES = 30;
/** How long a failed call waits to learn whether the control plane's death caused it. */
const EXIT_NOTICE_MS = 1000;

/**
 * A real Kubernetes control plane for tests and the demo: the lab's control-plane program (etcd, kube-apiserver,
 * kube-controller-manager and, unless told otherwise, the pod identity webhook) started as a child process, and ways to talk to it. Every
 * call fails at once, with the last lines of the control plane's log, when the control plane has died.
 */
export class KubeLab {
  public static async start(options: KubeLabOptions = {}): Promise<KubeLab> {
    const binaries = ensureBuilt();
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-irsa-kube-'));
    const kubeconfig = path.join(home, 'kubeconfig');
    const log = path.join(home, 'control-plane.log');
    const args = ['run', '--kubeconfig', kubeconfig, '--log', log];
    if (options.webhook ?? true) args.push('--webhook', binaries.webhook);
    if (options.issuerUrl) args.push('--issuer', options.issuerUrl);
    if (options.signingKeyType) args.push('--signing-key-type', options.signingKeyType);
    if (options.signingKeyFile) args.push('--signing-key', options.signingKeyFile);
    for (const flag of options.apiServerFlags ?? []) args.push('--api-server-flag', flag);
    if (options.webhookLookupGraceMs) args.push('--webhook-lookup-grace-period', `${options.webhookLookupGraceMs}ms`);
    const child = spawn(binaries.controlPlane, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)));
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', chunk => (stdout += chunk));
    child.stderr!.on('data', chunk => (stderr += chunk));

    const ready = await new Promise<RegExpExecArray | undefined>(resolve => {
      const timer = setTimeout(() => resolve(undefined), START_TIMEOUT_MS);
      child.stdout!.on('data', () => {
        const match = READY_LINE.exec(stdout);
        if (match) {
          clearTimeout(timer);
          resolve(match);
        }
      });
      void exited.then(() => {
        clearTimeout(timer);
        resolve(undefined);
      });
    });
    if (!ready) {
      child.kill('SIGTERM');
      await exited;
      const why = `${stderr.trim()}\n${lastLines(log)}`.trim();
      fs.rmSync(home, { recursive: true, force: true });
      throw new Error(`the lab's control plane did not become ready:\n${why}`);
    }
    return new KubeLab(child, exited, home, log, binaries.controlPlane, ready[1], ready[2], ready[3]);
  }

  private readonly client: KubeClient;
  private exitCode: number | null | undefined;

  private constructor(
    private readonly child: ChildProcess,
    private readonly exited: Promise<number | null>,
    private readonly home: string,
    /** The components' log. */
    public readonly logFile: string,
    private readonly controlPlaneBinary: string,
    /** The API server, https://127.0.0.1:<port>. */
    public readonly server: string,
    /** `--service-account-issuer`: the `iss` of every token it signs. */
    public readonly issuer: string,
    /** A cluster-admin kubeconfig. */
    public readonly kubeconfig: string,
  ) {
    this.client = KubeClient.fromKubeconfig(kubeconfig);
    void exited.then(code => (this.exitCode = code));
  }

  /** The lab's CA, which signed the API server's serving certificate. */
  public get ca(): Buffer {
    return this.client.ca;
  }

  /** The process ID of the control plane. */
  public get pid(): number {
    return this.child.pid!;
  }

  public get(apiPath: string): Promise<any> {
    return this.guard(this.client.get(apiPath));
  }

  public create(apiPath: string, body: object): Promise<any> {
    return this.guard(this.client.create(apiPath, body));
  }

  public delete(apiPath: string): Promise<any> {
    return this.guard(this.client.delete(apiPath));
  }

  public requestToken(namespace: string, serviceAccount: string, spec: TokenRequestSpec): Promise<string> {
    return this.guard(this.client.requestToken(namespace, serviceAccount, spec));
  }

  public waitFor<T>(apiPath: string, ready: (object: any) => T | undefined, what: string, timeoutMs?: number): Promise<T> {
    return this.guard(this.client.waitFor(apiPath, ready, what, timeoutMs));
  }

  /** Runs kubectl (built from k8s.io/kubectl at the control plane's release) against this cluster. */
  public kubectl(args: string[], input?: string): Promise<KubectlResult> {
    const run = new Promise<KubectlResult>(resolve => {
      const process = execFile(this.controlPlaneBinary, ['kubectl', '--kubeconfig', this.kubeconfig, ...args],
        { timeout: KUBECTL_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }));
      process.stdin!.end(input);
    });
    return this.guard(run);
  }

  /** `kubectl apply --server-side` of a manifest file: what the API server answered, object by object. */
  public apply(file: string): Promise<KubectlResult> {
    return this.kubectl(['apply', '--server-side', '--field-manager', 'cdk-irsa-lab', '-f', file]);
  }

  /** Stops the control plane (SIGTERM: it stops its components and removes its temp files) and removes the lab's. */
  public async close(): Promise<void> {
    this.client.close();
    if (this.exitCode === undefined) this.child.kill('SIGTERM');
    await this.exited;
    fs.rmSync(this.home, { recursive: true, force: true });
  }

  /**
   * Fails `operation` as soon as the control plane exits, with its log's last lines, instead of waiting it out. A
   * request the death cuts off fails (ECONNRESET) a moment before the exit is seen, so a failure waits briefly for it.
   */
  private async guard<T>(operation: Promise<T>): Promise<T> {
    const died = this.exited.then(code => ({ died: code }));
    const outcome = await Promise.race([operation.then(value => ({ value }), (error: unknown) => ({ error })), died]);
    if ('value' in outcome) return outcome.value;
    const exit = 'died' in outcome ? outcome : await Promise.race([died, sleep(EXIT_NOTICE_MS)]);
    if (exit) throw new Error(`the lab's control plane exited (code ${exit.died}) during the test:\n${lastLines(this.logFile)}`);
    throw (outcome as { error: unknown }).error;
  }
}

function sleep(ms: number): Promise<undefined> {
  return new Promise(resolve => setTimeout(() => resolve(undefined), ms).unref());
}

function lastLines(file: string): string {
  try {
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    return `last lines of its log:\n${lines.slice(-LOG_LINES).join('\n')}`;
  } catch {
    return '(it wrote no log)';
  }
}
