import { LocalIssuer } from '../../lab/local-issuer';
import { StsEmulator, StsError } from '../../lab/sts-emulator';
import { ISSUER_URL, NOW, ONE_ROLE_ACCOUNT, ROLE_ARN } from '../support/one-role-account';

describe('StsEmulator', () => {
  let cluster: LocalIssuer;
  let sts: StsEmulator;
  beforeAll(async () => {
    cluster = await LocalIssuer.create(ISSUER_URL);
  });
  beforeEach(() => {
    sts = new StsEmulator(ONE_ROLE_ACCOUNT, { fetchJwks: async () => cluster.jwks }, () => NOW);
  });

  const token = (namespace = 'testing') => cluster.issueToken({
    namespace, serviceAccountName: 'app', audience: 'sts.amazonaws.com', issuedAt: new Date(NOW.getTime() - 60_000),
  });

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
    expect(sts.sessions.callerIdentity(result.credentials.accessKeyId)).toEqual({
      arn: result.assumedRoleArn, userId: result.assumedRoleId, account: '123456789012',
    });
    expect(sts.sessions.callerIdentity('ASIANOTISSUED')).toBeUndefined();
  });

  test('answers a refusal as STS does: AccessDenied with 403, with the explanation beside it', async () => {
    const error = await sts.assumeRoleWithWebIdentity({ roleArn: ROLE_ARN, roleSessionName: 'pod', webIdentityToken: await token('prod') }).catch(e => e);
    expect(error).toBeInstanceOf(StsError);
    expect([error.code, error.message, error.httpStatus]).toEqual(['AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity', 403]);
    expect(error.explanation).toHaveLength(1);
  });

  test('answers a bad token with 400', async () => {
    const error = await sts.assumeRoleWithWebIdentity({ roleArn: ROLE_ARN, roleSessionName: 'pod', webIdentityToken: 'garbage' }).catch(e => e);
    expect([error.code, error.httpStatus]).toEqual(['InvalidIdentityToken', 400]);
  });

  test.each([
    [{ roleArn: 'app' }, 'Request ARN is invalid'],
    [{ roleSessionName: 'has space' }, '1 validation error detected: Value \'has space\' at \'roleSessionName\' failed to satisfy constraint: ' +
      'Member must satisfy regular expression pattern: [\\w+=,.@-]*'],
    [{ durationSeconds: 60 }, '1 validation error detected: Value \'60\' at \'durationSeconds\' failed to satisfy constraint: Member must have value between 900 and 43200'],
    [{ durationSeconds: 7200 }, 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.'],
  ])('validates the request %j', async (overrides, message) => {
    const request = { roleArn: ROLE_ARN, roleSessionName: 'pod', webIdentityToken: await token(), ...overrides };
    await expect(sts.assumeRoleWithWebIdentity(request)).rejects.toMatchObject({ code: 'ValidationError', message, httpStatus: 400 });
  });
});
