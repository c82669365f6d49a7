import { StsEmulator } from '../../lab/sts-emulator';
import { serveSts, StsEndpoint } from '../../lab/sts-endpoint';
import { DeployedAccount } from '../../src/verify/deployed-account';

const account: DeployedAccount = { account: '123456789012', partition: 'aws', providers: [], roles: [], podIdentityAssociations: [], unresolved: [] };

describe('serveSts', () => {
  let endpoint: StsEndpoint;
  beforeAll(async () => {
    endpoint = await serveSts(new StsEmulator(account, undefined));
  });
  afterAll(async () => {
    await endpoint.close();
  });

  async function post(body: Record<string, string>, headers: Record<string, string> = {}) {
    const response = await fetch(endpoint.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams({ Version: '2011-06-15', ...body }).toString(),
    });
    return { status: response.status, xml: await response.text() };
  }

  test('listens on loopback', () => {
    expect(endpoint.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  test('answers STS errors in the query protocol\'s XML', async () => {
    const { status, xml } = await post({ Action: 'AssumeRoleWithWebIdentity', RoleArn: 'arn:aws:iam::123456789012:role/x', RoleSessionName: 'pod', WebIdentityToken: 'garbage' });
    expect(status).toBe(400);
    expect(xml).toMatch(/<ErrorResponse xmlns="https:\/\/sts.amazonaws.com\/doc\/2011-06-15\/">\s*<Error>\s*<Type>Sender<\/Type>\s*<Code>InvalidIdentityToken<\/Code>\s*<Message>Couldn&apos;t parse the web identity token<\/Message>/);
  });

  test('refuses GetCallerIdentity for credentials it did not issue', async () => {
    const { status, xml } = await post({ Action: 'GetCallerIdentity' }, { authorization: 'AWS4-HMAC-SHA256 Credential=ASIAUNKNOWN/20261129/eu-west-2/sts/aws4_request' });
    expect(status).toBe(403);
    expect(xml).toContain('<Code>InvalidClientTokenId</Code>');
  });

  test('refuses other actions', async () => {
    const { status, xml } = await post({ Action: 'AssumeRole' });
    expect(status).toBe(400);
    expect(xml).toContain('<Code>InvalidAction</Code>');
  });
});
