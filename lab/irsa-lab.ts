import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { IssuerServer, serveIssuers } from './https-issuer';
import { LocalIssuer } from './local-issuer';
import { StsEmulator } from './sts-emulator';
import { serveSts, StsEndpoint } from './sts-endpoint';
import { DeployedAccount } from '../src/verify/deployed-account';

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

/** What the pod's SDK got: the assumed role, or the STS error. */
export interface PodResult {
  readonly assumed: boolean;
  readonly arn?: string;
  readonly code?: string;
  readonly message?: string;
}

const POD_TIMEOUT_MS = 30_000;
const POD_SCRIPT = path.join(__dirname, 'pod.ts');

/**
 * The whole IRSA exchange on one machine: the cluster's OIDC issuer over HTTPS, STS over HTTP, and pods that are
 * real AWS SDK processes. Every server listens on 127.0.0.1 on a port of the system's choosing; `close()` stops them.
 */
export class IrsaLab {
  /** Starts issuers for every OIDC provider of `account`, plus `otherIssuerUrls` (clusters IAM does not trust). */
  public static async start(account: DeployedAccount, otherIssuerUrls: string[] = []): Promise<IrsaLab> {
    const urls = [...new Set([...account.providers.map(p => p.url), ...otherIssuerUrls])];
    const issuers = await Promise.all(urls.map(url => LocalIssuer.create(url)));
    const impostor = await LocalIssuer.create(urls[0]);
    const issuerServer = await serveIssuers(issuers);
    const sts = new StsEmulator(account, issuerServer.jwksSource);
    const endpoint = await serveSts(sts);
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'irsa-lab-'));
    return new IrsaLab(account, issuers, impostor, issuerServer, endpoint, home);
  }

  private tokens = 0;

  private constructor(
    private readonly account: DeployedAccount,
    private readonly issuers: LocalIssuer[],
    private readonly impostor: LocalIssuer,
    private readonly issuerServer: IssuerServer,
    /** The STS endpoint pods use. */
    public readonly sts: StsEndpoint,
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
   * Runs a pod: a process with the environment the EKS pod identity webhook injects, whose AWS SDK default
   * credential chain assumes `roleArn` with `token`, then asks STS who it is.
   */
  public async runPod(roleArn: string, token: string): Promise<PodResult> {
    const tokenFile = path.join(this.home, `token-${++this.tokens}`);
    fs.writeFileSync(tokenFile, token);
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: this.home,
      AWS_ROLE_ARN: roleArn,
      AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
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
    const args = ['-r', require.resolve('ts-node/register/transpile-only'), POD_SCRIPT];
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, args, { env, timeout: POD_TIMEOUT_MS, cwd: __dirname }, (error, out, err) =>
        error ? reject(new Error(`the pod failed: ${error.message}\n${err}`)) : resolve(out));
    });
    return JSON.parse(stdout.trim().split('\n').pop()!);
  }

  public async close(): Promise<void> {
    await Promise.all([this.issuerServer.close(), this.sts.close()]);
    fs.rmSync(this.home, { recursive: true, force: true });
  }

  private onlyProviderUrl(): string {
    if (this.account.providers.length !== 1) throw new Error('the account has several providers: say which issuer signs');
    return this.account.providers[0].url;
  }
}
