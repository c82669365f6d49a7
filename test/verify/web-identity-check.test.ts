import { generateKeyPair, SignJWT } from 'jose';
import { LocalIssuer } from '../../lab/local-issuer';
import { JwksSource, WebIdentityCheck, WebIdentityDecision } from '../../src/verify/web-identity-check';
import { ISSUER, ISSUER_URL, NOW, ONE_ROLE_ACCOUNT, PROVIDER_ARN, ROLE_ARN } from '../support/one-role-account';

describe('WebIdentityCheck', () => {
  let cluster: LocalIssuer;
  let otherCluster: LocalIssuer;
  let keys: JwksSource;
  let check: WebIdentityCheck;
  beforeAll(async () => {
    cluster = await LocalIssuer.create(ISSUER_URL);
    otherCluster = await LocalIssuer.create('https://oidc.eks.eu-west-2.amazonaws.com/id/OTHER');
    keys = { fetchJwks: async (url: string) => (url === ISSUER_URL ? cluster.jwks : Promise.reject(new Error(`unknown ${url}`))) };
  });
  beforeEach(() => {
    check = new WebIdentityCheck(ONE_ROLE_ACCOUNT, keys, () => NOW);
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

  async function refusal(webIdentityToken: string | Promise<string>, roleArn = ROLE_ARN): Promise<WebIdentityDecision> {
    const decision = await check.checkToken(roleArn, await webIdentityToken);
    if (decision.allowed) throw new Error('the call was allowed');
    return decision;
  }

  test('allows the trusted ServiceAccount, naming the statement, and issues nothing', async () => {
    const decision = await check.checkToken(ROLE_ARN, await token());
    expect(decision).toEqual({
      allowed: true,
      explanation: [],
      role: ONE_ROLE_ACCOUNT.roles[0],
      provider: ONE_ROLE_ACCOUNT.providers[0],
      subject: 'system:serviceaccount:testing:app',
      audience: 'sts.amazonaws.com',
      statement: 0,
    });
  });

  test.each([
    ['another namespace', { namespace: 'prod' }, 'system:serviceaccount:prod:app'],
    ['another name', { name: 'other' }, 'system:serviceaccount:testing:other'],
  ])('denies %s with AccessDenied and the failed condition', async (_, overrides, sub) => {
    const decision = await refusal(token(overrides));
    expect(decision.refusal).toEqual({ code: 'AccessDenied', message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity' });
    expect(decision.explanation).toEqual([`statement 0: StringEquals ${ISSUER}:sub wants system:serviceaccount:testing:app, the token has ${sub}`]);
  });

  test('refuses an audience the provider does not accept', async () => {
    const decision = await refusal(token({ audience: 'vault' }));
    expect(decision.refusal).toEqual({ code: 'InvalidIdentityToken', message: 'Incorrect token audience' });
    expect(decision.explanation).toEqual([`the token's aud is vault; provider ${PROVIDER_ARN} accepts sts.amazonaws.com`]);
  });

  test('refuses a token from an issuer the account has no provider for', async () => {
    const decision = await refusal(token({}, otherCluster));
    expect(decision.refusal).toEqual({ code: 'InvalidIdentityToken', message: 'No OpenIDConnect provider found in your account for https://oidc.eks.eu-west-2.amazonaws.com/id/OTHER' });
    expect(decision.explanation).toEqual([`the account has providers for: ${ISSUER_URL}`]);
  });

  test('refuses a legacy Secret token, saying why the projected token is the one IRSA uses', async () => {
    // GIVEN the claims kube-controller-manager's token controller writes into a kubernetes.io/service-account-token Secret
    const legacy = await new SignJWT({
      'kubernetes.io/serviceaccount/namespace': 'testing',
      'kubernetes.io/serviceaccount/service-account.name': 'app',
    }).setProtectedHeader({ alg: 'RS256' }).setIssuer('kubernetes/serviceaccount').setSubject('system:serviceaccount:testing:app')
      .sign((await generateKeyPair('RS256')).privateKey);

    // WHEN
    const decision = await refusal(legacy);

    // THEN
    expect(decision.refusal).toEqual({ code: 'InvalidIdentityToken', message: 'No OpenIDConnect provider found in your account for kubernetes/serviceaccount' });
    expect(decision.explanation).toEqual([
      `the account has providers for: ${ISSUER_URL}`,
      'this is a legacy ServiceAccount token from a kubernetes.io/service-account-token Secret: its iss is kubernetes/serviceaccount, ' +
        'not an https:// URL, so no IAM OIDC provider can vouch for it, and it has no aud and no exp',
      'IRSA uses the projected token the pod identity webhook mounts (the file in AWS_WEB_IDENTITY_TOKEN_FILE): iss the cluster\'s issuer, ' +
        'aud sts.amazonaws.com, and an exp',
    ]);
  });

  test('refuses an expired token with STS\'s message', async () => {
    const issuedAt = new Date(NOW.getTime() - 7200_000);
    const decision = await refusal(token({ issuedAt, expiresInSeconds: 3600 }));
    const [now, exp] = [NOW.getTime() / 1000, issuedAt.getTime() / 1000 + 3600];
    expect(decision.refusal).toEqual({ code: 'ExpiredTokenException', message: `Token expired: current date/time ${now} must be before the expiration date/time ${exp}` });
  });

  test('refuses a token that is not valid yet', async () => {
    const decision = await refusal(token({ issuedAt: new Date(NOW.getTime() + 600_000) }));
    expect(decision.refusal).toEqual({ code: 'InvalidIdentityToken', message: 'The web identity token is not valid yet' });
  });

  test('refuses a forged signature', async () => {
    const forged = cluster.forgeToken(otherCluster, { namespace: 'testing', serviceAccountName: 'app', audience: 'sts.amazonaws.com', issuedAt: NOW });
    const decision = await refusal(forged);
    expect(decision.refusal).toEqual({ code: 'InvalidIdentityToken', message: 'The signature of the web identity token could not be verified' });
  });

  test('refuses when the issuer\'s keys cannot be fetched', async () => {
    check = new WebIdentityCheck(ONE_ROLE_ACCOUNT, { fetchJwks: () => Promise.reject(new Error('connection refused')) }, () => NOW);
    const decision = await refusal(token());
    expect(decision.refusal!.message).toBe('Couldn\'t retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements');
    expect(decision.explanation).toEqual([`fetching the keys of ${ISSUER_URL} failed: connection refused`]);
  });

  test('checks in STS\'s order: provider, signature, audience, trust', async () => {
    expect((await refusal(token({ audience: 'vault', namespace: 'prod' }, otherCluster))).refusal!.message).toMatch(/^No OpenIDConnect provider/);
    const forged = cluster.forgeToken(otherCluster, { namespace: 'prod', serviceAccountName: 'app', audience: 'vault', issuedAt: NOW });
    expect((await refusal(forged)).refusal!.message).toBe('The signature of the web identity token could not be verified');
    expect((await refusal(token({ audience: 'vault', namespace: 'prod' }))).refusal!.message).toBe('Incorrect token audience');
  });

  test('answers AccessDenied for a role that does not exist', async () => {
    const decision = await refusal(token(), 'arn:aws:iam::123456789012:role/nope');
    expect([decision.refusal!.code, decision.explanation]).toEqual(['AccessDenied', ['there is no role arn:aws:iam::123456789012:role/nope in the account']]);
  });

  test('refuses what is not a JWT', async () => {
    const decision = await refusal('garbage');
    expect(decision.refusal).toEqual({ code: 'InvalidIdentityToken', message: 'Couldn\'t parse the web identity token' });
  });

  test('without keys, skips the signature but still checks the lifetime', async () => {
    check = new WebIdentityCheck(ONE_ROLE_ACCOUNT, undefined, () => NOW);
    const forged = await cluster.forgeToken(otherCluster, { namespace: 'testing', serviceAccountName: 'app', audience: 'sts.amazonaws.com', issuedAt: NOW });
    expect((await check.checkToken(ROLE_ARN, forged)).allowed).toBe(true);
    const expired = await token({ issuedAt: new Date(NOW.getTime() - 7200_000), expiresInSeconds: 3600 });
    expect((await refusal(expired)).refusal!.code).toBe('ExpiredTokenException');
  });

  test('checks the claims a token would carry, without a token', () => {
    const claims = { iss: ISSUER_URL, aud: ['sts.amazonaws.com'], exp: NOW.getTime() / 1000 + 60 };
    expect(check.checkClaims(ROLE_ARN, { ...claims, sub: 'system:serviceaccount:testing:app' })).toMatchObject({ allowed: true, statement: 0 });
    expect(check.checkClaims(ROLE_ARN, { ...claims, sub: 'system:serviceaccount:prod:app' }).refusal!.code).toBe('AccessDenied');
    expect(check.checkClaims(ROLE_ARN, { ...claims, iss: 'https://other', sub: 'x' }).refusal!.code).toBe('InvalidIdentityToken');
  });
});
