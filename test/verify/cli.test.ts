import * as path from 'path';
import { parseArgs } from 'util';
import { CfnParameter, Stack } from 'aws-cdk-lib';
import { LocalIssuer } from '../../lab/local-issuer';
import { IrsaCluster, ServiceAccountIdentity } from '../../src';
import { runCli } from '../../src/verify/cli';
import { ACCOUNT, ENV, SEED_ISSUER, SEED_ISSUER_URL, synthesize } from '../support/app';
import { testFile } from '../support/test-directory';

const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/app`;

async function run(...argv: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await runCli(argv, { log: l => lines.push(l), error: l => lines.push(l) });
  return { code, out: lines.join('\n') };
}

describe('cdk-irsa verify', () => {
  let seedApp: string;
  beforeAll(() => {
    seedApp = synthesize(app => {
      const cluster = new IrsaCluster(new Stack(app, 'S', { env: ENV }), 'Irsa', { issuerUrl: SEED_ISSUER_URL });
      cluster.addServiceAccount('App', { namespace: 'testing', name: 'app', roleName: 'app' });
    });
  });

  test('says ALLOWED and exits 0 for the trusted ServiceAccount', async () => {
    const { code, out } = await run('verify', '--app', seedApp, '--namespace', 'testing', '--service-account', 'app');
    expect(code).toBe(0);
    expect(out).toContain(`Token: iss ${SEED_ISSUER_URL}, sub system:serviceaccount:testing:app, aud sts.amazonaws.com`);
    expect(out).toMatch(new RegExp(`ALLOWED  ${ROLE_ARN} \\(S/IrsaApp\\w+\\): trust statement 0 matches`));
  });

  test('says DENIED with the STS error and the failed condition, and exits 1', async () => {
    const { code, out } = await run('verify', '--app', seedApp, '--namespace', 'prod', '--service-account', 'app');
    expect(code).toBe(1);
    expect(out).toMatch(new RegExp(`DENIED   ${ROLE_ARN} \\(S/\\w+\\): AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity`));
    expect(out).toContain(`statement 0: StringEquals ${SEED_ISSUER}:sub wants system:serviceaccount:testing:app, the token has system:serviceaccount:prod:app`);
  });

  describe('in an app of 200 ServiceAccounts', () => {
    let bigApp: string;
    beforeAll(() => {
      bigApp = synthesize(app => {
        const cluster = new IrsaCluster(new Stack(app, 'S', { env: ENV }), 'Irsa', { issuerUrl: SEED_ISSUER_URL });
        for (let i = 0; i < 200; i++) cluster.addServiceAccount(`App${i}`, { namespace: 'testing', name: `app-${i}`, roleName: `app-${i}` });
      });
    });

    test('answers with the role the token can assume and one line for the roles refused alike', async () => {
      const { code, out } = await run('verify', '--app', bigApp, '--namespace', 'testing', '--service-account', 'app-7');
      expect(code).toBe(0);
      const lines = out.split('\n');
      expect(lines).toHaveLength(3);
      expect(lines[1]).toMatch(new RegExp(`^ALLOWED  arn:aws:iam::${ACCOUNT}:role/app-7 \\(S/IrsaApp7\\w+\\): trust statement 0 matches$`));
      expect(lines[2]).toBe('DENIED   199 other web-identity roles (AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity): ' +
        'pass --role <arn|name|id> to see why one refuses, or --verbose for each');
    });

    test('says why each role refuses with --verbose, and why one does with --role', async () => {
      const verbose = await run('verify', '--app', bigApp, '--namespace', 'testing', '--service-account', 'app-7', '--verbose');
      expect(verbose.out.split('\n')).toHaveLength(1 + 1 + 199 * 2);
      expect(verbose.out).toContain(`statement 0: StringEquals ${SEED_ISSUER}:sub wants system:serviceaccount:testing:app-8, the token has system:serviceaccount:testing:app-7`);
      const one = await run('verify', '--app', bigApp, '--namespace', 'testing', '--service-account', 'app-7', '--role', 'app-8');
      expect(one.code).toBe(1);
      expect(one.out.split('\n').slice(1)).toEqual([
        expect.stringMatching(new RegExp(`^DENIED   arn:aws:iam::${ACCOUNT}:role/app-8 \\(S/IrsaApp8\\w+\\): AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity$`)),
        `           statement 0: StringEquals ${SEED_ISSUER}:sub wants system:serviceaccount:testing:app-8, the token has system:serviceaccount:testing:app-7`,
      ]);
    });

    test('counts roles refused alike even when none lets the token in', async () => {
      const { code, out } = await run('verify', '--app', bigApp, '--namespace', 'prod', '--service-account', 'app-7', '--audience', 'vault');
      expect(code).toBe(1);
      expect(out.split('\n').slice(1)).toEqual(['DENIED   200 web-identity roles (InvalidIdentityToken: Incorrect token audience): ' +
        'pass --role <arn|name|id> to see why one refuses, or --verbose for each']);
    });
  });

  test('reports an audience the provider does not accept', async () => {
    const { code, out } = await run('verify', '--app', seedApp, '--namespace', 'testing', '--service-account', 'app', '--audience', 'vault');
    expect(code).toBe(1);
    expect(out).toContain('InvalidIdentityToken: Incorrect token audience');
  });

  test('reports an issuer the account has no provider for', async () => {
    const other = 'https://oidc.eks.eu-west-2.amazonaws.com/id/OTHER';
    const { code, out } = await run('verify', '--app', seedApp, '--namespace', 'testing', '--service-account', 'app', '--issuer', other);
    expect(code).toBe(1);
    expect(out).toContain(`InvalidIdentityToken: No OpenIDConnect provider found in your account for ${other}`);
  });

  test('checks a token file, and its signature when given the issuer\'s keys', async () => {
    // GIVEN a token from the cluster and the cluster's published keys
    const issuer = await LocalIssuer.create(SEED_ISSUER_URL);
    const tokenFile = testFile('token', await issuer.issueToken({ namespace: 'testing', serviceAccountName: 'app', audience: 'sts.amazonaws.com' }));
    const jwks = testFile('keys.json', JSON.stringify(issuer.jwks));
    const otherKeys = testFile('other.json', JSON.stringify((await LocalIssuer.create(SEED_ISSUER_URL)).jwks));

    // THEN
    const unchecked = await run('verify', '--app', seedApp, '--token', tokenFile);
    expect(unchecked.code).toBe(0);
    expect(unchecked.out).toContain('(signature not checked: pass --jwks <file> to check it)');
    expect((await run('verify', '--app', seedApp, '--token', tokenFile, '--jwks', jwks)).code).toBe(0);
    const wrongKeys = await run('verify', '--app', seedApp, '--token', tokenFile, '--jwks', otherKeys);
    expect(wrongKeys.code).toBe(1);
    expect(wrongKeys.out).toContain('InvalidIdentityToken: The signature of the web identity token could not be verified');
  });

  test('checks only the role asked for, by name, ARN or logical ID', async () => {
    const all = await run('verify', '--app', seedApp, '--namespace', 'testing', '--service-account', 'app');
    const logicalId = /\(S\/(IrsaApp[0-9A-F]{8})\)/.exec(all.out)![1];
    for (const role of ['app', ROLE_ARN, logicalId]) {
      const { code, out } = await run('verify', '--app', seedApp, '--namespace', 'testing', '--service-account', 'app', '--role', role);
      expect([code, out.split('\n').filter(l => l.startsWith('ALLOWED')).length]).toEqual([0, 1]);
    }
  });

  test('resolves a token issuer with --parameter, and says what is missing without it', async () => {
    const dir = synthesize(app => {
      const stack = new Stack(app, 'S', { env: ENV });
      new IrsaCluster(stack, 'Irsa', { issuerUrl: new CfnParameter(stack, 'IssuerUrl').valueAsString })
        .addServiceAccount('App', { namespace: 'testing', name: 'app' });
    });
    const args = ['verify', '--app', dir, '--namespace', 'testing', '--service-account', 'app'];
    expect((await run(...args, '--issuer', SEED_ISSUER_URL, '--parameter', `IssuerUrl=${SEED_ISSUER_URL}`)).code).toBe(0);
    const missing = await run(...args, '--issuer', SEED_ISSUER_URL);
    expect(missing.code).toBe(1);
    expect(missing.out).toContain('UNKNOWN  S/');
    expect(missing.out).toContain('Ref IssuerUrl is only known at deploy time: pass --parameter IssuerUrl=<value>');
  });

  test('warns of a provider URL no API server issues tokens for, and checks the token the cluster would issue', async () => {
    // GIVEN a provider whose URL ends in "/", which only a deploy-time value can still give
    const dir = synthesize(app => {
      const stack = new Stack(app, 'S', { env: ENV });
      new IrsaCluster(stack, 'Irsa', { issuerUrl: new CfnParameter(stack, 'IssuerUrl').valueAsString })
        .addServiceAccount('App', { namespace: 'testing', name: 'app' });
    });

    // WHEN
    const { code, out } = await run('verify', '--app', dir, '--namespace', 'testing', '--service-account', 'app', '--parameter', `IssuerUrl=${SEED_ISSUER_URL}/`);

    // THEN
    expect(code).toBe(1);
    expect(out).toContain(`Token: iss ${SEED_ISSUER_URL}, sub system:serviceaccount:testing:app`);
    expect(out).toMatch(new RegExp(`WARNING  the OIDC provider ${SEED_ISSUER_URL}/ \\(S/\\w+\\): its URL ends in "/", which tokens' "iss" never does ` +
      '\\(an API server publishes its discovery document at <issuer>/.well-known/openid-configuration\\); no API server issues tokens for it ' +
      `\\(they would carry ${SEED_ISSUER_URL}\\)`));
    expect(out).toContain(`InvalidIdentityToken: No OpenIDConnect provider found in your account for ${SEED_ISSUER_URL}`);
  });

  test('takes an existing provider with --provider for an imported one', async () => {
    const providerArn = `arn:aws:iam::${ACCOUNT}:oidc-provider/${SEED_ISSUER}`;
    const dir = synthesize(app => {
      IrsaCluster.fromOidcProviderArn(new Stack(app, 'S', { env: ENV }), 'Irsa', providerArn).addServiceAccount('App', { namespace: 'testing', name: 'app' });
    });
    const args = ['verify', '--template', path.join(dir, 'S.template.json'), '--namespace', 'testing', '--service-account', 'app'];
    expect((await run(...args, '--provider', providerArn)).code).toBe(0);
    expect((await run(...args, '--provider', `${providerArn}=other-audience`)).out).toContain('Incorrect token audience');
    expect((await run(...args, '--issuer', SEED_ISSUER_URL)).out).toContain('No OpenIDConnect provider found');
  });

  const parseArgsError = (argv: string[]) => {
    try {
      parseArgs({ args: argv, options: {}, strict: true });
      return 'none';
    } catch (e) {
      return (e as Error).message;
    }
  };

  test.each([
    [['verify', '--app', '/nonexistent/cdk.out', '--namespace', 'a', '--service-account', 'b'],
      '/nonexistent/cdk.out does not exist. Run `cdk synth` first, or pass the cloud assembly directory (--app cdk.out) or a template file (--template <file>).'],
    [['verify', '--service-account', 'b'], 'say whose token to check: --token <file>, or --namespace <ns> --service-account <name>.'],
    [['verify', '--token', '/nonexistent/token'], 'token file /nonexistent/token does not exist.'],
    [['verify', '--bogus'], parseArgsError(['--bogus'])],
    [['verify', '--namespace', 'a', '--service-account', 'b', '--parameter', 'novalue'], '--parameter novalue: expected Name=Value.'],
    [['verify', '--namespace', 'a', '--service-account', 'b', '--attribute', 'novalue'], '--attribute novalue: expected LogicalId.Attribute=Value.'],
    [['verify', '--namespace', 'a', '--service-account', 'b', '--provider', 'arn:aws:iam::1:role/x'],
      '--provider arn:aws:iam::1:role/x: expected arn:<partition>:iam::<account>:oidc-provider/<issuer>[=<clientId>,...].'],
  ])('exits 2 with a clear message for %j', async (argv, message) => {
    const withApp = argv.includes('--app') ? argv : [...argv, '--app', seedApp];
    const { code, out } = await run(...withApp);
    expect(code).toBe(2);
    expect(out).toBe(`cdk-irsa verify: ${message}`);
  });

  test('exits 2 for an unknown command, with the usage', async () => {
    const { code, out } = await run('frobnicate');
    expect(code).toBe(2);
    expect(out.split('\n').slice(0, 3)).toEqual(['cdk-irsa: unknown command "frobnicate". The only command is verify.', '', 'Usage: cdk-irsa verify [options]']);
  });

  test.each([
    ['--app and --template', ['--template', 'S.template.json', '--namespace', 'a', '--service-account', 'b'],
      'pass either --app or --template, not both.'],
    ['--token and --namespace', ['--token', 'token', '--namespace', 'a', '--service-account', 'b'],
      'pass either --token or --namespace/--service-account, not both.'],
  ])('exits 2 when given %s', async (_, argv, message) => {
    const { code, out } = await run('verify', '--app', seedApp, ...argv);
    expect(code).toBe(2);
    expect(out).toBe(`cdk-irsa verify: ${message}`);
  });

  test('exits 2 for an unknown role, listing the roles that trust web identities', async () => {
    const { code, out } = await run('verify', '--app', seedApp, '--namespace', 'a', '--service-account', 'b', '--role', 'nope');
    expect(code).toBe(2);
    expect(out).toMatch(new RegExp(`^cdk-irsa verify: no role "nope" in ${seedApp}\\. Roles that trust web identities: app \\(S/IrsaApp[0-9A-F]{8}\\)\\.$`));
  });

  test('exits 2 for a --jwks file that does not exist or is not JSON, saying which', async () => {
    const issuer = await LocalIssuer.create(SEED_ISSUER_URL);
    const tokenFile = testFile('token', await issuer.issueToken({ namespace: 'testing', serviceAccountName: 'app', audience: 'sts.amazonaws.com' }));
    const missing = `${tokenFile}.absent`;
    const notJson = testFile('keys.txt', 'not json');
    expect(await run('verify', '--app', seedApp, '--token', tokenFile, '--jwks', missing))
      .toEqual({ code: 2, out: `cdk-irsa verify: JWKS file ${missing} does not exist.` });
    const { code, out } = await run('verify', '--app', seedApp, '--token', tokenFile, '--jwks', notJson);
    expect(code).toBe(2);
    expect(out).toBe(`cdk-irsa verify: ${notJson} is not valid JSON: Unexpected token 'o', "not json" is not valid JSON`);
  });

  test('exits 2 for a --jwks file that is not a JWKS', async () => {
    const issuer = await LocalIssuer.create(SEED_ISSUER_URL);
    const tokenFile = testFile('token', await issuer.issueToken({ namespace: 'testing', serviceAccountName: 'app', audience: 'sts.amazonaws.com' }));
    const notJwks = testFile('keys.json', '{}');
    const { code, out } = await run('verify', '--app', seedApp, '--token', tokenFile, '--jwks', notJwks);
    expect(code).toBe(2);
    expect(out).toBe(`cdk-irsa verify: ${notJwks} is not a JWKS: it has no "keys" list.`);
  });

  test('exits 2 for an assembly without web-identity roles, and asks for --issuer when there are several providers', async () => {
    const noRoles = synthesize(app => new IrsaCluster(new Stack(app, 'S', { env: ENV }), 'Irsa', { issuerUrl: SEED_ISSUER_URL }));
    const twoProviders = synthesize(app => {
      const stack = new Stack(app, 'S', { env: ENV });
      new IrsaCluster(stack, 'Blue', { issuerUrl: SEED_ISSUER_URL }).addServiceAccount('App', { namespace: 'testing', name: 'app' });
      new IrsaCluster(stack, 'Green', { issuerUrl: `${SEED_ISSUER_URL}0` });
    });
    const args = ['verify', '--namespace', 'testing', '--service-account', 'app'];

    const none = await run(...args, '--app', noRoles);
    const ambiguous = await run(...args, '--app', twoProviders);

    expect([none.code, ambiguous.code]).toEqual([2, 2]);
    expect(none.out).toBe(`cdk-irsa verify: ${noRoles} has no IAM role that trusts web identities.`);
    expect(ambiguous.out).toBe(`cdk-irsa verify: pass --issuer <url>: the account has 2 OIDC providers (${SEED_ISSUER_URL}, ${SEED_ISSUER_URL}0).`);
  });

  test('explains an unparsable token', async () => {
    const tokenFile = testFile('token', 'hello');
    const { code, out } = await run('verify', '--app', seedApp, '--token', tokenFile);
    expect(code).toBe(2);
    expect(out).toBe(`cdk-irsa verify: ${tokenFile} is not a JWT (Invalid JWT). A ServiceAccount token is three base64url parts separated by dots; ` +
      'in a pod it is the file named by AWS_WEB_IDENTITY_TOKEN_FILE.');
  });

  describe('--pod-identity', () => {
    let podApp: string;
    beforeAll(() => {
      podApp = synthesize(app => {
        const cluster = new IrsaCluster(new Stack(app, 'S', { env: ENV }), 'Irsa', { issuerUrl: SEED_ISSUER_URL, clusterName: 'prod' });
        cluster.addServiceAccountRole('Orders', { namespace: 'shop', name: 'orders', identity: ServiceAccountIdentity.POD_IDENTITY, roleName: 'orders' });
      });
    });

    test('says ALLOWED, with the association, for the associated ServiceAccount', async () => {
      const { code, out } = await run('verify', '--app', podApp, '--pod-identity', '--cluster', 'prod', '--namespace', 'shop', '--service-account', 'orders');
      expect(code).toBe(0);
      expect(out).toMatch(new RegExp(`^Pod: cluster prod, ServiceAccount shop/orders \\(EKS Pod Identity\\)\nALLOWED  arn:aws:iam::${ACCOUNT}:role/orders ` +
        '\\(S/IrsaOrders\\w+\\) through association S/IrsaOrdersPodIdentityAssociation\\w+: trust statement 0 matches$'));
    });

    test('says DENIED with EKS Auth\'s code for a ServiceAccount without an association', async () => {
      const { code, out } = await run('verify', '--app', podApp, '--pod-identity', '--cluster', 'prod', '--namespace', 'shop', '--service-account', 'billing');
      expect(code).toBe(1);
      expect(out.split('\n').slice(1)).toEqual([
        'DENIED   (no role): ResourceNotFoundException: No Pod Identity association found for service account billing in namespace shop of cluster prod',
        expect.stringMatching(/^ {11}the account's associations are: prod\/shop\/orders$/),
      ]);
    });

    test.each([
      [['--pod-identity', '--namespace', 'shop', '--service-account', 'orders'], 'for EKS Pod Identity, pass --pod-identity --cluster <name> --namespace <ns> --service-account <name>.'],
      [['--pod-identity', '--cluster', 'prod', '--namespace', 'shop', '--service-account', 'orders', '--role', 'orders'],
        '--token, --role, --audience and --issuer are for IRSA: EKS Pod Identity picks the role by its association.'],
    ])('exits 2 for %j', async (argv, message) => {
      const { code, out } = await run('verify', '--app', podApp, ...argv);
      expect([code, out]).toEqual([2, `cdk-irsa verify: ${message}`]);
    });
  });

  test('prints its usage', async () => {
    expect((await run('--help')).out).toContain('Usage: cdk-irsa verify [options]');
    expect((await run('verify', '--help')).code).toBe(0);
    expect((await run()).code).toBe(2);
  });
});

