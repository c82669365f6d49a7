import { randomUUID } from 'crypto';
import * as http from 'http';
import { AddressInfo } from 'net';
import { StsEmulator, StsError } from './sts-emulator';

/** An STS endpoint on loopback, for `AWS_ENDPOINT_URL_STS`. */
export interface StsEndpoint {
  readonly url: string;
  close(): Promise<void>;
}

const NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

/**
 * Speaks the STS query protocol (form-encoded POST, XML answers) for `AssumeRoleWithWebIdentity`, which is
 * unsigned, and `GetCallerIdentity`, answered for the access key of credentials the emulator issued (the
 * SigV4 signature itself is not checked).
 */
export async function serveSts(sts: StsEmulator): Promise<StsEndpoint> {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', chunk => (body += chunk));
    req.on('end', () => {
      const params = new URLSearchParams(body);
      new URL(req.url ?? '/', 'http://localhost').searchParams.forEach((v, k) => params.set(k, v));
      answer(sts, params, req.headers.authorization)
        .then(({ status, xml }) => {
          res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID() });
          res.end(xml);
        })
        .catch(e => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(String(e));
        });
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>(resolve => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

async function answer(sts: StsEmulator, params: URLSearchParams, authorization: string | undefined): Promise<{ status: number; xml: string }> {
  const action = params.get('Action');
  try {
    if (action === 'AssumeRoleWithWebIdentity') {
      const duration = params.get('DurationSeconds');
      const result = await sts.assumeRoleWithWebIdentity({
        roleArn: params.get('RoleArn') ?? '',
        roleSessionName: params.get('RoleSessionName') ?? '',
        webIdentityToken: params.get('WebIdentityToken') ?? '',
        durationSeconds: duration ? Number(duration) : undefined,
      });
      return ok(action, `
    <SubjectFromWebIdentityToken>${escape(result.subjectFromWebIdentityToken)}</SubjectFromWebIdentityToken>
    <Audience>${escape(result.audience)}</Audience>
    <AssumedRoleUser>
      <Arn>${escape(result.assumedRoleArn)}</Arn>
      <AssumedRoleId>${escape(result.assumedRoleId)}</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <SessionToken>${escape(result.credentials.sessionToken)}</SessionToken>
      <SecretAccessKey>${escape(result.credentials.secretAccessKey)}</SecretAccessKey>
      <Expiration>${result.credentials.expiration.toISOString()}</Expiration>
      <AccessKeyId>${escape(result.credentials.accessKeyId)}</AccessKeyId>
    </Credentials>
    <Provider>${escape(result.provider)}</Provider>`);
    }
    if (action === 'GetCallerIdentity') {
      const accessKeyId = /Credential=([^/]+)\//.exec(authorization ?? '')?.[1];
      const identity = accessKeyId ? sts.sessions.callerIdentity(accessKeyId) : undefined;
      if (!identity) throw new StsError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
      return ok(action, `
    <Arn>${escape(identity.arn)}</Arn>
    <UserId>${escape(identity.userId)}</UserId>
    <Account>${escape(identity.account)}</Account>`);
    }
    throw new StsError('InvalidAction', `Could not find operation ${action ?? '(none)'} for version 2011-06-15`, 400);
  } catch (e) {
    if (!(e instanceof StsError)) throw e;
    return {
      status: e.httpStatus,
      xml: `<ErrorResponse xmlns="${NAMESPACE}">
  <Error>
    <Type>Sender</Type>
    <Code>${escape(e.code)}</Code>
    <Message>${escape(e.message)}</Message>
  </Error>
  <RequestId>${randomUUID()}</RequestId>
</ErrorResponse>`,
    };
  }
}

function ok(action: string, result: string): { status: number; xml: string } {
  return {
    status: 200,
    xml: `<${action}Response xmlns="${NAMESPACE}">
  <${action}Result>${result}
  </${action}Result>
  <ResponseMetadata>
    <RequestId>${randomUUID()}</RequestId>
  </ResponseMetadata>
</${action}Response>`,
  };
}

function escape(text: string): string {
  return text.replace(/[<>&'"]/g, c => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '\'': '&apos;', '"': '&quot;' })[c]!);
}
