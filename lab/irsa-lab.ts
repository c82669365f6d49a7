import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EksAuthEmulator, LabCluster } from './eks-auth-emulator';
import { IssuerServer, serveIssuers } from './https-issuer';
import { LocalIssuer } from './local-issuer';
import { AgentAnswer, PodIdentityAgentEndpoint, servePodIdentityAgent } from './pod-identity-agent';
import { RoleSessions } from './role-sessions';
import { StsEmulator } from './sts-emulator';
import { serveSts, StsEndpoint } from './sts-endpoint';
import { DeployedAccount } from '../src/verify/deployed-account';
import { JwksSource } from '../src/verify/web-identity-check';

/** Who a token claims to be, and how it was made. */
export interface TokenSpec {
  readonly namespace: string;
  readonly serviceAccount: string;
  /** @default 'sts.amazonaws.com' */
  readonly audience?: string;
  /** The issuer that signs it. @default - the account's only OIDC provider */
  readonly issuerUrl?: string;
  /** Issued two hours ago with a one-hour lifetime. */
  readonly expired?: boolean;
  /** Claims the issuer but is signed with another key. */
  readonly forged?: boolean;
}

/** How a pod gets credentials: what the EKS pod identity webhook injects. Both at once is a migrating workload. */
export interface PodSpec {
  /** IRSA: `AWS_ROLE_ARN` and `AWS_WEB_IDENTITY_TOKEN_FILE`. */
  readonly irsa?: { readonly roleArn: string; readonly token: string };
  /** EKS Pod Identity: `AWS_CONTAINER_CREDENTIALS_FULL_URI` (the cluster's agent) and `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`. */
  readonly podIdentity?: { readonly clusterName: string; readonly token: string };
}

/** What the pod's SDK got: the assumed role, or the error; for EKS Pod Identity, what the agent answered too. */
export interface PodResult {
  readonly assumed: boolean;
  readonly arn?: string;
  readonly code?: string;
  readonly message?: string;
  /** The agent's last answer to this pod's token, when it asked the agent. */
  readonly agentAnswer?: AgentAnswer;
}

export interface LabOptions {
  /** Issuers of clusters IAM does not trust, which sign tokens too. */
  readonly otherIssuerUrls?: string[];
  /** Clusters that run the EKS Pod Identity Agent, by name and issuer. */
  readonly clusters?: LabCluster[];
  /**
   * Where STS fetches the issuers' discovery documents and keys, for an issuer the lab does not sign for (a real
   * kube-apiserver's). @default - the lab's own HTTPS issuers
   */
  readonly keys?: JwksSource;
}

const POD_TIMEOUT_MS = 30_000;
const POD_SCRIPT = path.join(__dirname, 'pod.ts');

/**
 * The whole exchange on one machine, for IRSA and EKS Pod Identity: the clusters' OIDC issuers over HTTPS, STS over
 * HTTP, an EKS Pod Identity Agent per cluster backed by an EKS Auth emulation, and pods that are real AWS SDK
 * processes. Every server listens on 127.0.0.1 on a port of the system's choosing; `close()` stops them.
 */
export class IrsaLab {
  /** Starts issuers for every OIDC provider of `account` and every cluster, and an agent per cluster. */
  public static async start(account: DeployedAccount, options: LabOptions = {}): Promise<IrsaLab> {
    const clusters = options.clusters ?? [];
    const urls = [...new Set([...account.providers.map(p => p.url), ...(options.otherIssuerUrls ?? []), ...clusters.map(c => c.issuerUrl)])];
    const issuers = await Promise.all(urls.map(url => LocalIssuer.create(url)));
    const impostor = await LocalIssuer.create(urls[0]);
    const issuerServer = await serveIssuers(issuers);
    const sessions = new RoleSessions(account);
    const sts = new StsEmulator(account, options.keys ?? issuerServer.jwksSource, undefined, sessions);
    const endpoint = await serveSts(sts);
    const eksAuth = new EksAuthEmulator(account, clusters, issuerServer.jwksSource, sessions);
    const agents = new Map<string, PodIdentityAgentEndpoint>();
    for (const cluster of clusters) agents.set(cluster.name, await servePodIdentityAgent(eksAuth, cluster.name));
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'irsa-lab-'));
    return new IrsaLab(account, issuers, impostor, issuerServer, endpoint, agents, home);
  }

  private tokens = 0;

  private constructor(
    private readonly account: DeployedAccount,
    private readonly issuers: LocalIssuer[],
    private readonly impostor: LocalIssuer,
    private readonly issuerServer: IssuerServer,
    /** The STS endpoint pods use. */
    public readonly sts: StsEndpoint,
    private readonly agents: Map<string, PodIdentityAgentEndpoint>,
    private readonly home: string,
  ) {}

  /** A projected ServiceAccount token as `spec` describes. */
  public async token(spec: TokenSpec): Promise<string> {
    const url = spec.issuerUrl ?? this.onlyProviderUrl();
    const issuer = this.issuers.find(i => i.url === url);
    if (!issuer) throw new Error(`the lab serves no issuer ${url}; pass it to IrsaLab.start`);
    const request = {
      namespace: spec.namespace,
      serviceAccountName: spec.serviceAccount,
      audience: spec.audience ?? 'sts.amazonaws.com',
      ...(spec.expired ? { issuedAt: new Date(Date.now() - 2 * 3600_000), expiresInSeconds: 3600 } : {}),
    };
    return spec.forged ? issuer.forgeToken(this.impostor, request) : issuer.issueToken(request);
  }

  /**
   * Runs a pod: a process with the environment the EKS pod identity webhook injects, whose AWS SDK default credential
   * chain gets credentials (with the web-identity token from STS, or from the cluster's Pod Identity Agent), then asks
   * STS who it is.
   */
  public async runPod(spec: PodSpec): Promise<PodResult> {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: this.home,
      AWS_REGION: 'eu-west-2',
      AWS_STS_REGIONAL_ENDPOINTS: 'regional',
      AWS_ENDPOINT_URL_STS: this.sts.url,
      // Nothing else may provide credentials: no config files, no instance metadata.
      AWS_CONFIG_FILE: path.join(this.home, 'no-config'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(this.home, 'no-credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
      // Whatever the pod writes to a temp directory (ts-node's compile cache) goes where close() removes it.
      TMPDIR: this.home,
    };
    if (spec.irsa) {
      env.AWS_ROLE_ARN = spec.irsa.roleArn;
      env.AWS_WEB_IDENTITY_TOKEN_FILE = this.tokenFile(spec.irsa.token);
    }
    let agent: PodIdentityAgentEndpoint | undefined;
    if (spec.podIdentity) {
      agent = this.agents.get(spec.podIdentity.clusterName);
      if (!agent) throw new Error(`the lab runs no agent for cluster ${spec.podIdentity.clusterName}; pass it to IrsaLab.start`);
      env.AWS_CONTAINER_CREDENTIALS_FULL_URI = agent.credentialsUrl;
      env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE = this.tokenFile(spec.podIdentity.token);
    }
    const args = ['-r', require.resolve('ts-node/register/transpile-only'), POD_SCRIPT];
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, args, { env, timeout: POD_TIMEOUT_MS, cwd: __dirname }, (error, out, err) =>
        error ? reject(new Error(`the pod failed: ${error.message}\n${err}`)) : resolve(out));
    });
    const result: PodResult = JSON.parse(stdout.trim().split('\n').pop()!);
    const agentAnswer = agent?.answers.filter(a => a.token === spec.podIdentity!.token).pop();
    return agentAnswer ? { ...result, agentAnswer } : result;
  }

  public async close(): Promise<void> {
    await Promise.all([this.issuerServer.close(), this.sts.close(), ...[...this.agents.values()].map(a => a.close())]);
    fs.rmSync(this.home, { recursive: true, force: true });
  }

  private tokenFile(token: string): string {
    const file = path.join(this.home, `token-${++this.tokens}`);
    fs.writeFileSync(file, token);
    return file;
  }

  private onlyProviderUrl(): string {
    if (this.account.providers.length !== 1) throw new Error('the account has several providers: say which issuer signs');
    return this.account.providers[0].url;
  }
}
