import { EksAuthEmulator, EksAuthError } from '../../lab/eks-auth-emulator';
import { LocalIssuer } from '../../lab/local-issuer';
import { RoleSessions } from '../../lab/role-sessions';
import { DeployedAccount } from '../../src/verify/deployed-account';
import { ISSUER_URL, NOW } from '../support/one-role-account';

const ROLE_ARN = 'arn:aws:iam::123456789012:role/orders';
const account: DeployedAccount = {
  account: '123456789012',
  partition: 'aws',
  providers: [],
  roles: [{
    arn: ROLE_ARN,
    name: 'orders',
    source: 'S/Role',
    maxSessionDurationSeconds: 3600,
    webIdentity: false,
    podIdentity: true,
    trustPolicy: {
      Statement: [{
        Effect: 'Allow',
        Action: ['sts:AssumeRole', 'sts:TagSession'],
        Principal: { Service: 'pods.eks.amazonaws.com' },
        Condition: { StringEquals: { 'aws:RequestTag/kubernetes-namespace': 'shop', 'aws:RequestTag/kubernetes-service-account': 'orders' } },
      }],
    },
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
  unresolved: [],
};

describe('EksAuthEmulator', () => {
  let cluster: LocalIssuer;
  let eksAuth: EksAuthEmulator;
  let sessions: RoleSessions;
  beforeAll(async () => {
    cluster = await LocalIssuer.create(ISSUER_URL);
  });
  beforeEach(() => {
    sessions = new RoleSessions(account, () => NOW);
    eksAuth = new EksAuthEmulator(account, [{ name: 'prod', issuerUrl: ISSUER_URL }], { fetchJwks: async () => cluster.jwks }, sessions, () => NOW);
  });

  const token = (overrides: { audience?: string; serviceAccountName?: string; issuedAt?: Date } = {}) => cluster.issueToken({
    namespace: 'shop', serviceAccountName: 'orders', audience: 'pods.eks.amazonaws.com', issuedAt: new Date(NOW.getTime() - 60_000), ...overrides,
  });

  test('gives the associated ServiceAccount a session named as EKS names them, which GetCallerIdentity knows', async () => {
    const result = await eksAuth.assumeRoleForPodIdentity('prod', await token());
    expect(result.subject).toEqual({ namespace: 'shop', serviceAccount: 'orders' });
    expect(result.assumedRoleArn).toMatch(/^arn:aws:sts::123456789012:assumed-role\/orders\/eks-prod-orders-0-[0-9a-f-]{36}$/);
    expect(result.credentials.expiration).toEqual(new Date(NOW.getTime() + 6 * 3600_000));
    expect(sessions.callerIdentity(result.credentials.accessKeyId)?.arn).toBe(result.assumedRoleArn);
  });

  test.each([
    ['a token for STS instead of EKS Pod Identity', { audience: 'sts.amazonaws.com' }, 'InvalidTokenException', 400],
    ['an expired token', { issuedAt: new Date(NOW.getTime() - 2 * 86400_000) }, 'ExpiredTokenException', 400],
    ['a ServiceAccount without an association', { serviceAccountName: 'billing' }, 'ResourceNotFoundException', 404],
  ])('refuses %s', async (_, overrides, code, status) => {
    const error = await eksAuth.assumeRoleForPodIdentity('prod', await token(overrides)).catch(e => e);
    expect(error).toBeInstanceOf(EksAuthError);
    expect([error.code, error.httpStatus]).toEqual([code, status]);
  });

  test('refuses a cluster it does not know, and a token of another cluster\'s issuer', async () => {
    expect((await eksAuth.assumeRoleForPodIdentity('staging', await token()).catch(e => e)).code).toBe('ResourceNotFoundException');
    const other = await LocalIssuer.create('https://oidc.eks.eu-west-2.amazonaws.com/id/OTHER');
    const foreign = await other.issueToken({ namespace: 'shop', serviceAccountName: 'orders', audience: 'pods.eks.amazonaws.com', issuedAt: NOW });
    expect((await eksAuth.assumeRoleForPodIdentity('prod', foreign).catch(e => e)).code).toBe('InvalidTokenException');
  });
});
