import { IrsaAccount } from '../../src/verify/irsa-account';
import { LocalIssuer } from '../../src/verify/local-issuer';
import { JwksSource, StsError, StsWebIdentity } from '../../src/verify/sts-web-identity';

const ISSUER_URL = 'https://oidc.eks.eu-west-2.amazonaws.com/id/ABC';
const ISSUER = ISSUER_URL.slice('https://'.length);
const PROVIDER_ARN = `arn:aws:iam::123456789012:oidc-provider/${ISSUER}`;
const ROLE_ARN = 'arn:aws:iam::123456789012:role/irsa/app';
const NOW = new Date('2026-11-29T12:00:00Z');

const account: IrsaAccount = {
  account: '123456789012',
  partition: 'aws',
  providers: [{ arn: PROVIDER_ARN, url: ISSUER_URL, clientIds: ['sts.amazonaws.com'], source: 'S/Provider' }],
  roles: [{
    arn: ROLE_ARN,
    name: 'app',
    source: 'S/Role',
    maxSessionDurationSeconds: 3600,
    webIdentity: true,
    trustPolicy: {
      Version: '2012-10-17',
      Statement: [{
        Effect: 'Allow',
        Action: 'sts:AssumeRoleWithWebIdentity',
        Principal: { Federated: PROVIDER_ARN },
        Condition: { StringEquals: { [`${ISSUER}:sub`]: 'system:serviceaccount:testing:app', [`${ISSUER}:aud`]: 'sts.amazonaws.com' } },
      }],
    },
  }],
  unresolved: [],
};

describe('StsWebIdentity', () => {
  let cluster: LocalIssuer;
  let otherCluster: LocalIssuer;
  let keys: JwksSource;
  let sts: StsWebIdentity;
  beforeAll(async () => {
    cluster = await LocalIssuer.create(ISSUER_URL);
    otherCluster = await LocalIssuer.create('https://oidc.eks.eu-west-2.amazonaws.com/id/OTHER');
    keys = { fetchJwks: async url => (url === ISSUER_URL ? cluster.jwks : Promise.reject(new Error(`unknown ${url}`))) };
  });
  beforeEach(() => {
    sts = new StsWebIdentity(account, keys, () => NOW);
  });

  interface TokenOverrides {
    namespace?: string;
    name?: string;
    audience?: string;
    issuedAt?: Date;
    expiresInSeconds?: number;
  }

  function token(overrides: TokenOverrides = {}, issuer?: LocalIssuer) {
    return (issuer ?? cluster).issueToken({
      namespace: overrides.namespace ?? 'testing',
      serviceAccountName: overrides.name ?? 'app',
      audience: overrides.audience ?? 'sts.amazonaws.com',
      issuedAt: overrides.issuedAt ?? new Date(NOW.getTime() - 60_000),
      expiresInSeconds: overrides.expiresInSeconds,
    });
  }

  async function stsError(webIdentityToken: string | Promise<string>, roleArn = ROLE_ARN): Promise<StsError> {
    try {
      await sts.assumeRoleWithWebIdentity({ roleArn, roleSessionName: 'pod', webIdentityToken: await webIdentityToken });
    } catch (e) {
      if (e instanceof StsError) return e;
      throw e;
    }
    throw new Error('the call was allowed');
  }

  test('issues credentials for the trusted ServiceAccount and remembers who they belong to', async () => {
    // WHEN
    const result = await sts.assumeRoleWithWebIdentity({ roleArn: ROLE_ARN, roleSessionName: 'pod', webIdentityToken: await token(), durationSeconds: 900 });

    // THEN
    expect(result).toMatchObject({
      assumedRoleArn: 'arn:aws:sts::123456789012:assumed-role/app/pod',
      subjectFromWebIdentityToken: 'system:serviceaccount:testing:app',
      audience: 'sts.amazonaws.com',
      provider: ISSUER_URL,
      statement: 0,
    });
    expect(result.assumedRoleId).toMatch(/^AROA[0-9A-F]{17}:pod$/);
    expect(result.credentials.accessKeyId).toMatch(/^ASIA[0-9A-F]{16}$/);
    expect(result.credentials.expiration).toEqual(new Date(NOW.getTime() + 900_000));
    expect(sts.callerIdentity(result.credentials.accessKeyId)).toEqual({
      arn: result.assumedRoleArn, userId: result.assumedRoleId, account: '123456789012',
    });
    expect(sts.callerIdentity('ASIANOTISSUED')).toBeUndefined();
  });

  test.each([
    ['another namespace', { namespace: 'prod' }, 'system:serviceaccount:prod:app'],
    ['another name', { name: 'other' }, 'system:serviceaccount:testing:other'],
  ])('denies %s with AccessDenied and the failed condition', async (_, overrides, sub) => {
    const error = await stsError(token(overrides));
    expect([error.code, error.message, error.httpStatus]).toEqual(['AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity', 403]);
    expect(error.explanation).toEqual([`statement 0: StringEquals ${ISSUER}:sub wants system:serviceaccount:testing:app, the token has ${sub}`]);
  });

  test('refuses an audience the provider does not accept', async () => {
    const error = await stsError(token({ audience: 'vault' }));
    expect([error.code, error.message]).toEqual(['InvalidIdentityToken', 'Incorrect token audience']);
    expect(error.explanation).toEqual([`the token's aud is vault; provider ${PROVIDER_ARN} accepts sts.amazonaws.com`]);
  });

  test('refuses a token from an issuer the account has no provider for', async () => {
    const error = await stsError(token({}, otherCluster));
    expect([error.code, error.message]).toEqual(['InvalidIdentityToken', 'No OpenIDConnect provider found in your account for https://oidc.eks.eu-west-2.amazonaws.com/id/OTHER']);
  });

  test('refuses an expired token with STS\'s message', async () => {
    const issuedAt = new Date(NOW.getTime() - 7200_000);
    const error = await stsError(token({ issuedAt, expiresInSeconds: 3600 }));
    const [now, exp] = [NOW.getTime() / 1000, issuedAt.getTime() / 1000 + 3600];
    expect([error.code, error.message]).toEqual(['ExpiredTokenException', `Token expired: current date/time ${now} must be before the expiration date/time ${exp}`]);
  });

  test('refuses a token that is not valid yet', async () => {
    const error = await stsError(token({ issuedAt: new Date(NOW.getTime() + 600_000) }));
    expect([error.code, error.message]).toEqual(['InvalidIdentityToken', 'The web identity token is not valid yet']);
  });

  test('refuses a forged signature', async () => {
    const forged = cluster.forgeToken(otherCluster, { namespace: 'testing', serviceAccountName: 'app', audience: 'sts.amazonaws.com', issuedAt: NOW });
    const error = await stsError(forged);
    expect([error.code, error.message]).toEqual(['InvalidIdentityToken', 'The signature of the web identity token could not be verified']);
  });

  test('refuses when the issuer\'s keys cannot be fetched', async () => {
    sts = new StsWebIdentity(account, { fetchJwks: () => Promise.reject(new Error('connection refused')) }, () => NOW);
    const error = await stsError(token());
    expect(error.message).toBe('Couldn\'t retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements');
    expect(error.explanation).toEqual([`fetching the keys of ${ISSUER_URL} failed: connection refused`]);
  });

  test('checks in STS\'s order: provider, signature, audience, trust', async () => {
    expect((await stsError(token({ audience: 'vault', namespace: 'prod' }, otherCluster))).message).toMatch(/^No OpenIDConnect provider/);
    const forged = cluster.forgeToken(otherCluster, { namespace: 'prod', serviceAccountName: 'app', audience: 'vault', issuedAt: NOW });
    expect((await stsError(forged)).message).toBe('The signature of the web identity token could not be verified');
    expect((await stsError(token({ audience: 'vault', namespace: 'prod' }))).message).toBe('Incorrect token audience');
  });

  test('answers AccessDenied for a role that does not exist', async () => {
    const error = await stsError(token(), 'arn:aws:iam::123456789012:role/nope');
    expect([error.code, error.explanation]).toEqual(['AccessDenied', ['there is no role arn:aws:iam::123456789012:role/nope in the account']]);
  });

  test('refuses what is not a JWT', async () => {
    const error = await stsError('garbage');
    expect([error.code, error.message]).toEqual(['InvalidIdentityToken', 'Couldn\'t parse the web identity token']);
  });

  test.each([
    [{ roleArn: 'app' }, 'Request ARN is invalid'],
    [{ roleSessionName: 'has space' }, 'Value \'has space\' at \'roleSessionName\' failed to satisfy constraint'],
    [{ durationSeconds: 60 }, 'Value \'60\' at \'durationSeconds\' failed to satisfy constraint: Member must have value between 900 and 43200'],
    [{ durationSeconds: 7200 }, 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.'],
  ])('validates the request %j', async (overrides, message) => {
    const request = { roleArn: ROLE_ARN, roleSessionName: 'pod', webIdentityToken: await token(), ...overrides };
    await expect(sts.assumeRoleWithWebIdentity(request)).rejects.toMatchObject({ code: 'ValidationError', message: expect.stringContaining(message) });
  });

  test('without keys, skips the signature but still checks the lifetime', async () => {
    sts = new StsWebIdentity(account, undefined, () => NOW);
    const forged = await cluster.forgeToken(otherCluster, { namespace: 'testing', serviceAccountName: 'app', audience: 'sts.amazonaws.com', issuedAt: NOW });
    await expect(sts.assumeRoleWithWebIdentity({ roleArn: ROLE_ARN, roleSessionName: 'pod', webIdentityToken: forged })).resolves.toBeDefined();
    const expired = await token({ issuedAt: new Date(NOW.getTime() - 7200_000), expiresInSeconds: 3600 });
    expect((await stsError(expired)).code).toBe('ExpiredTokenException');
  });
});
