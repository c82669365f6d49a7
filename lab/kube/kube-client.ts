import * as fs from 'fs';
import * as https from 'https';
import * as YAML from 'yaml';

/** An answer of the API server that is not a success: its HTTP status and the Status object's message and reason. */
export class KubeApiError extends Error {
  constructor(public readonly status: number, message: string, public readonly reason?: string) {
    super(message);
    this.name = 'KubeApiError';
  }
}

/** What the TokenRequest API is asked for, as kubelet asks for a projected volume's token. */
export interface TokenRequestSpec {
  readonly audiences: string[];
  readonly expirationSeconds?: number;
  /** The pod the token is bound to, as kubelet binds a projected token to its pod. */
  readonly boundPod?: { readonly name: string; readonly uid: string };
}

const REQUEST_TIMEOUT_MS = 30_000;

/**
 * A small client of the Kubernetes REST API, with the client certificate of a kubeconfig the lab wrote. It speaks
 * JSON to fixed paths; applying manifests goes through kubectl (see KubeLab), which finds each kind's path itself.
 */
export class KubeClient {
  public static fromKubeconfig(file: string): KubeClient {
    const config = YAML.parse(fs.readFileSync(file, 'utf8'));
    const context = config.contexts.find((c: any) => c.name === config['current-context']).context;
    const cluster = config.clusters.find((c: any) => c.name === context.cluster).cluster;
    const user = config.users.find((u: any) => u.name === context.user).user;
    const decode = (data: string) => Buffer.from(data, 'base64');
    return new KubeClient(cluster.server, decode(cluster['certificate-authority-data']),
      decode(user['client-certificate-data']), decode(user['client-key-data']));
  }

  private readonly agent: https.Agent;

  private constructor(public readonly server: string, public readonly ca: Buffer, cert: Buffer, key: Buffer) {
    this.agent = new https.Agent({ ca, cert, key, keepAlive: true });
  }

  public async get(path: string): Promise<any> {
    return this.request('GET', path);
  }

  public async create(path: string, body: object): Promise<any> {
    return this.request('POST', path, body);
  }

  public async delete(path: string): Promise<any> {
    return this.request('DELETE', path);
  }

  /** A token from the TokenRequest API for `namespace/serviceAccount`, as kubelet gets one for a projected volume. */
  public async requestToken(namespace: string, serviceAccount: string, spec: TokenRequestSpec): Promise<string> {
    const answer = await this.create(`/api/v1/namespaces/${namespace}/serviceaccounts/${serviceAccount}/token`, {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: {
        audiences: spec.audiences,
        ...(spec.expirationSeconds ? { expirationSeconds: spec.expirationSeconds } : {}),
        ...(spec.boundPod ? { boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: spec.boundPod.name, uid: spec.boundPod.uid } } : {}),
      },
    });
    return answer.status.token;
  }

  /** Polls `path` until `ready` holds for what it returns, or fails after `timeoutMs` saying what it waited for. */
  public async waitFor<T>(path: string, ready: (object: any) => T | undefined, what: string, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    while (Date.now() < deadline) {
      try {
        const value = ready(await this.get(path));
        if (value !== undefined) return value;
      } catch (e) {
        if (!(e instanceof KubeApiError && e.status === 404)) throw e;
        last = e;
      }
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    throw new Error(`waited ${timeoutMs / 1000} s for ${what} (GET ${path})${last ? `: ${(last as Error).message}` : ''}`);
  }

  public close(): void {
    this.agent.destroy();
  }

  private request(method: string, path: string, body?: object): Promise<any> {
    const url = new URL(path, this.server);
    const payload = body ? JSON.stringify(body) : undefined;
    return new Promise((resolve, reject) => {
      const request = https.request(url, {
        method,
        agent: this.agent,
        timeout: REQUEST_TIMEOUT_MS,
        headers: { accept: 'application/json', ...(payload ? { 'content-type': 'application/json' } : {}) },
      }, response => {
        let data = '';
        response.on('data', chunk => (data += chunk));
        response.on('end', () => {
          const parsed = data ? JSON.parse(data) : undefined;
          if ((response.statusCode ?? 500) >= 300) {
            reject(new KubeApiError(response.statusCode ?? 500, parsed?.message ?? data, parsed?.reason));
          } else {
            resolve(parsed);
          }
        });
      });
      request.on('timeout', () => request.destroy(new Error(`${method} ${path} timed out after ${REQUEST_TIMEOUT_MS / 1000} s`)));
      request.on('error', reject);
      request.end(payload);
    });
  }
}
