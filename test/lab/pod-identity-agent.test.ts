import { EksAuthEmulator } from '../../lab/eks-auth-emulator';
import { LocalIssuer } from '../../lab/local-issuer';
import { PodIdentityAgentEndpoint, servePodIdentityAgent } from '../../lab/pod-identity-agent';
import { RoleSessions } from '../../lab/role-sessions';
import { DeployedAccount } from '../../src/verify/deployed-account';
import { ISSUER_URL } from '../support/one-role-account';

const ROLE_ARN = 'arn:aws:iam::123456789012:role/orders';
const account: DeployedAccount = {
  account: '123456789012',
  partition: 'aws',
  providers: [],
  unresolved: [],
  roles: [{
    arn: ROLE_ARN,
    name: 'orders',
    source: 'S/Role',
    maxSessionDurationSeconds: 3600,
    webIdentity: false,
    podIdentity: true,
    trustPolicy: { Statement: [{ Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:TagSession'], Principal: { Service: 'pods.eks.amazonaws.com' } }] },
  }],
  podIdentityAssociations: [{
    clusterName: 'prod',
    clusterArn: 'arn:aws:eks:eu-west-2:123456789012:cluster/prod',
    namespace: 'shop',
    serviceAccount: 'orders',
    roleArn: ROLE_ARN,
    disableSessionTags: false,
    source: 'S/Association',
  }],
};

describe('servePodIdentityAgent', () => {
  let cluster: LocalIssuer;
  let agent: PodIdentityAgentEndpoint;
  beforeAll(async () => {
    cluster = await LocalIssuer.create(ISSUER_URL);
    const eksAuth = new EksAuthEmulator(account, [{ name: 'prod', issuerUrl: ISSUER_URL }], { fetchJwks: async () => cluster.jwks }, new RoleSessions(account));
    agent = await servePodIdentityAgent(eksAuth, 'prod');
  });
  afterAll(async () => {
    await agent.close();
  });

  const get = (authorization?: string) => fetch(agent.credentialsUrl, { headers: authorization ? { authorization } : {} });

  test('listens on loopback and answers the credentials as the SDK reads them, with the expiration in UTC', async () => {
    expect(agent.credentialsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/credentials$/);
    const token = await cluster.issueToken({ namespace: 'shop', serviceAccountName: 'orders', audience: 'pods.eks.amazonaws.com' });
    const response = await get(token);
    expect([response.status, response.headers.get('content-type')]).toEqual([200, 'application/json']);
    const body = await response.json() as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['AccessKeyId', 'SecretAccessKey', 'Token', 'AccountId', 'Expiration']);
    expect([body.AccountId, body.Expiration]).toEqual(['123456789012', expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)]);
  });

  test('answers EKS Auth\'s error as plain text with its status, and records it', async () => {
    const token = await cluster.issueToken({ namespace: 'shop', serviceAccountName: 'billing', audience: 'pods.eks.amazonaws.com' });
    const response = await get(token);
    expect([response.status, await response.text()]).toEqual([404,
      'ResourceNotFoundException: No Pod Identity association found for service account billing in namespace shop of cluster prod']);
    expect(agent.answers[agent.answers.length - 1]).toMatchObject({ token, status: 404, code: 'ResourceNotFoundException' });
  });

  test('refuses a request without a token', async () => {
    const response = await get();
    expect([response.status, await response.text()]).toEqual([400, 'Service account token cannot be empty']);
  });
});
