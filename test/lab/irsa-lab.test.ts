import { CfnParameter, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IrsaLab } from '../../lab/irsa-lab';
import { IrsaCluster } from '../../src';
import { readStacks } from '../../src/verify/cloud-assembly';
import { DeployedAccount, deployedAccountOf } from '../../src/verify/deployed-account';
import { ACCOUNT, ENV, SEED_ISSUER, SEED_ISSUER_URL, synthesize } from '../support/app';

// Pods are real AWS SDK processes: each takes about half a second.
jest.setTimeout(60_000);

const OTHER_ISSUER_URL = 'https://oidc.eks.eu-west-2.amazonaws.com/id/11111111111111111111111111111111';
const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/${SEED_ISSUER}`;

async function withLab(account: DeployedAccount, run: (lab: IrsaLab) => Promise<void>, others: string[] = []): Promise<void> {
  const lab = await IrsaLab.start(account, { otherIssuerUrls: others });
  try {
    await run(lab);
  } finally {
    await lab.close();
  }
}

describe('the IRSA exchange through the AWS SDK web-identity path', () => {
  describe('the seed example: testing/can-do-stuff-on-aws', () => {
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/can-do-stuff`;
    let lab: IrsaLab;
    beforeAll(async () => {
      const dir = synthesize(app => {
        new IrsaCluster(new Stack(app, 'S', { env: ENV }), 'Irsa', { issuerUrl: SEED_ISSUER_URL })
          .addServiceAccount('App', { namespace: 'testing', name: 'can-do-stuff-on-aws', roleName: 'can-do-stuff' });
      });
      lab = await IrsaLab.start(deployedAccountOf(readStacks(dir)), { otherIssuerUrls: [OTHER_ISSUER_URL] });
    });
    afterAll(async () => {
      await lab.close();
    });

    const right = { namespace: 'testing', serviceAccount: 'can-do-stuff-on-aws' };
    test('the right ServiceAccount assumes the role, and its credentials sign the next call', async () => {
      const result = await lab.runPod({ irsa: { roleArn, token: await lab.token(right) } });
      expect(result.assumed).toBe(true);
      expect(result.arn).toMatch(/^arn:aws:sts::123456789012:assumed-role\/can-do-stuff\/aws-sdk-js-session-\d+$/);
    });

    test.each([
      ['a wrong namespace', { ...right, namespace: 'production' }, 'AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity'],
      ['a wrong name', { ...right, serviceAccount: 'default' }, 'AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity'],
      ['a wrong audience', { ...right, audience: 'vault' }, 'InvalidIdentityToken', 'Incorrect token audience'],
      ['a wrong issuer', { ...right, issuerUrl: OTHER_ISSUER_URL }, 'InvalidIdentityToken', `No OpenIDConnect provider found in your account for ${OTHER_ISSUER_URL}`],
      ['an expired token', { ...right, expired: true }, 'ExpiredTokenException', 'Token expired: current date/time '],
      ['a forged signature', { ...right, forged: true }, 'InvalidIdentityToken', 'The signature of the web identity token could not be verified'],
    ])('%s is refused with the STS error', async (_, spec, code, message) => {
      const result = await lab.runPod({ irsa: { roleArn, token: await lab.token(spec) } });
      expect(result.assumed).toBe(false);
      expect(result.code).toBe(code);
      expect(result.message).toContain(message);
    });
  });

  test('a role trusting several ServiceAccounts admits each of them and nobody else', async () => {
    const dir = synthesize(app => {
      const stack = new Stack(app, 'S', { env: ENV });
      const cluster = new IrsaCluster(stack, 'Irsa', { issuerUrl: SEED_ISSUER_URL });
      new iam.Role(stack, 'Shared', {
        roleName: 'shared',
        assumedBy: new iam.WebIdentityPrincipal(cluster.openIdConnectProviderArn, {
          StringEquals: {
            [`${SEED_ISSUER}:sub`]: ['system:serviceaccount:a:reader', 'system:serviceaccount:b:writer'],
            [`${SEED_ISSUER}:aud`]: 'sts.amazonaws.com',
          },
        }),
      });
    });
    await withLab(deployedAccountOf(readStacks(dir)), async lab => {
      const roleArn = `arn:aws:iam::${ACCOUNT}:role/shared`;
      const outcomes = [];
      for (const [namespace, serviceAccount] of [['a', 'reader'], ['b', 'writer'], ['a', 'writer']]) {
        outcomes.push((await lab.runPod({ irsa: { roleArn, token: await lab.token({ namespace, serviceAccount }) } })).assumed);
      }
      expect(outcomes).toEqual([true, true, false]);
    });
  });

  test('a token-valued issuer works once the template is resolved with the deployment\'s parameter', async () => {
    const dir = synthesize(app => {
      const stack = new Stack(app, 'S', { env: ENV });
      new IrsaCluster(stack, 'Irsa', { issuerUrl: new CfnParameter(stack, 'IssuerUrl').valueAsString })
        .addServiceAccount('App', { namespace: 'testing', name: 'app', roleName: 'app' });
    });
    const account = deployedAccountOf(readStacks(dir), { parameters: { IssuerUrl: SEED_ISSUER_URL } });
    expect(account.roles[0].trustPolicy.Statement[0].Condition.StringEquals[`${SEED_ISSUER}:sub`]).toBe('system:serviceaccount:testing:app');
    await withLab(account, async lab => {
      const roleArn = `arn:aws:iam::${ACCOUNT}:role/app`;
      expect((await lab.runPod({ irsa: { roleArn, token: await lab.token({ namespace: 'testing', serviceAccount: 'app' }) } })).assumed).toBe(true);
      expect((await lab.runPod({ irsa: { roleArn, token: await lab.token({ namespace: 'testing', serviceAccount: 'other' }) } })).code).toBe('AccessDenied');
    });
  });

  test('an imported provider works when it exists in the account', async () => {
    const dir = synthesize(app => {
      IrsaCluster.fromOidcProviderArn(new Stack(app, 'S', { env: ENV }), 'Irsa', PROVIDER_ARN)
        .addServiceAccount('App', { namespace: 'testing', name: 'app', roleName: 'app' });
    });
    const existing = { arn: PROVIDER_ARN, url: SEED_ISSUER_URL, clientIds: ['sts.amazonaws.com'], source: 'given' };
    await withLab(deployedAccountOf(readStacks(dir), { existingProviders: [existing] }), async lab => {
      const roleArn = `arn:aws:iam::${ACCOUNT}:role/app`;
      expect((await lab.runPod({ irsa: { roleArn, token: await lab.token({ namespace: 'testing', serviceAccount: 'app' }) } })).assumed).toBe(true);
      expect((await lab.runPod({ irsa: { roleArn, token: await lab.token({ namespace: 'prod', serviceAccount: 'app' }) } })).code).toBe('AccessDenied');
    });
  });
});
