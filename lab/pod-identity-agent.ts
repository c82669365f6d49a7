import * as http from 'http';
import { AddressInfo } from 'net';
import { EksAuthEmulator, EksAuthError } from './eks-auth-emulator';

/** What the agent answered one request, for the lab to show beside what the SDK made of it. */
export interface AgentAnswer {
  readonly token: string;
  readonly status: number;
  readonly code?: string;
  readonly message?: string;
}

/** A node's EKS Pod Identity Agent, on loopback: pods reach it through `AWS_CONTAINER_CREDENTIALS_FULL_URI`. */
export interface PodIdentityAgentEndpoint {
  /** The credentials URL, for `AWS_CONTAINER_CREDENTIALS_FULL_URI`. */
  readonly credentialsUrl: string;
  /** Every answer, in order. */
  readonly answers: AgentAnswer[];
  close(): Promise<void>;
}

/**
 * Serves `GET /v1/credentials` as the EKS Pod Identity Agent of one cluster does: the pod's token arrives as the
 * `Authorization` header (the SDK sends the file `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` names), the agent trades it
 * with `AssumeRoleForPodIdentity`, and answers the credentials as JSON the SDK reads (`Expiration` in UTC), or the EKS
 * Auth error as plain text with its status. The real agent listens on 169.254.170.23 and checks the Host header; this
 * one listens on 127.0.0.1, which the SDK also accepts over plain HTTP.
 */
export async function servePodIdentityAgent(eksAuth: EksAuthEmulator, clusterName: string): Promise<PodIdentityAgentEndpoint> {
  const answers: AgentAnswer[] = [];
  const server = http.createServer((req, res) => {
    const token = String(req.headers.authorization ?? '');
    const answer = (status: number, body: string, contentType: string, error?: { code: string; message: string }) => {
      answers.push({ token, status, ...error });
      res.writeHead(status, { 'content-type': contentType });
      res.end(body);
    };
    if (req.method !== 'GET' || req.url !== '/v1/credentials') return answer(404, 'Not found', 'text/plain');
    if (token === '') return answer(400, 'Service account token cannot be empty', 'text/plain');
    eksAuth.assumeRoleForPodIdentity(clusterName, token).then(result => answer(200, JSON.stringify({
      AccessKeyId: result.credentials.accessKeyId,
      SecretAccessKey: result.credentials.secretAccessKey,
      Token: result.credentials.sessionToken,
      AccountId: result.assumedRoleArn.split(':')[4],
      Expiration: result.credentials.expiration.toISOString(),
    }), 'application/json'), (e: unknown) => {
      if (!(e instanceof EksAuthError)) return answer(500, String(e), 'text/plain');
      return answer(e.httpStatus, `${e.code}: ${e.message}`, 'text/plain', { code: e.code, message: e.message });
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    credentialsUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/credentials`,
    answers,
    close: () => new Promise<void>(resolve => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
