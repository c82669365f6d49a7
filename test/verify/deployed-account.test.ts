import { CfnParameter, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IrsaCluster, IrsaServiceAccount } from '../../src';
import { readStacks } from '../../src/verify/cloud-assembly';
import { deployedAccountOf, partitionOf } from '../../src/verify/deployed-account';
import { ACCOUNT, ENV, SEED_ISSUER, SEED_ISSUER_URL, synthesize } from '../support/app';

const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/${SEED_ISSUER}`;
const EXPECTED_SUB = { [`${SEED_ISSUER}:sub`]: 'system:serviceaccount:testing:app', [`${SEED_ISSUER}:aud`]: 'sts.amazonaws.com' };

describe('deployedAccountOf', () => {
  test('holds the provider and role of a literal issuer, as IAM would after the deployment', () => {
    // GIVEN
    const dir = synthesize(app => {
      const stack = new Stack(app, 'S', { env: ENV });
      new IrsaCluster(stack, 'Irsa', { issuerUrl: SEED_ISSUER_URL }).addServiceAccount('App', { namespace: 'testing', name: 'app', roleName: 'app' });
      new iam.Role(stack, 'Other', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    });

    // WHEN
    const account = deployedAccountOf(readStacks(dir));

    // THEN
    expect(account.account).toBe(ACCOUNT);
    expect(account.providers).toEqual([{ arn: PROVIDER_ARN, url: SEED_ISSUER_URL, clientIds: ['sts.amazonaws.com'], source: 'S/IrsaAC15A16C' }]);
    const irsaRole = account.roles.find(r => r.webIdentity)!;
    expect(irsaRole).toMatchObject({ arn: `arn:aws:iam::${ACCOUNT}:role/app`, name: 'app', maxSessionDurationSeconds: 3600 });
    expect(irsaRole.trustPolicy.Statement[0].Principal).toEqual({ Federated: PROVIDER_ARN });
    // Without a RoleName, CloudFormation names the role at deploy time: the stand-in is stack and logical ID.
    expect(account.roles.filter(r => !r.webIdentity).map(r => r.name)).toEqual([expect.stringMatching(/^S-Other[0-9A-F]{8}$/)]);
    expect(account.unresolved).toEqual([]);
  });

  test('evaluates a token issuer with the parameter value a deployment would use', () => {
    // GIVEN
    const dir = synthesize(app => {
      const stack = new Stack(app, 'S', { env: ENV });
      const issuerUrl = new CfnParameter(stack, 'IssuerUrl').valueAsString;
      new IrsaCluster(stack, 'Irsa', { issuerUrl }).addServiceAccount('App', { namespace: 'testing', name: 'app' });
    });

    // WHEN
    const account = deployedAccountOf(readStacks(dir), { parameters: { IssuerUrl: SEED_ISSUER_URL } });

    // THEN
    expect(account.providers.map(p => [p.arn, p.url])).toEqual([[PROVIDER_ARN, SEED_ISSUER_URL]]);
    expect(account.roles[0].trustPolicy.Statement[0].Condition.StringEquals).toEqual(EXPECTED_SUB);
  });

  test('lists what it cannot evaluate without the parameter, and how to supply it', () => {
    const dir = synthesize(app => {
      const stack = new Stack(app, 'S', { env: ENV });
      new IrsaCluster(stack, 'Irsa', { issuerUrl: new CfnParameter(stack, 'IssuerUrl').valueAsString })
        .addServiceAccount('App', { namespace: 'testing', name: 'app' });
    });
    const account = deployedAccountOf(readStacks(dir));
    expect(account.providers).toEqual([]);
    const hint = 'Ref IssuerUrl is only known at deploy time: pass --parameter IssuerUrl=<value>';
    expect(account.unresolved.map(u => [u.type, u.webIdentity, u.reason]).sort()).toEqual([
      ['AWS::IAM::OIDCProvider', true, hint],
      ['AWS::IAM::Role', true, hint],
    ]);
  });

  test('follows a provider exported by another stack', () => {
    const dir = synthesize(app => {
      const cluster = new IrsaCluster(new Stack(app, 'Shared', { env: ENV }), 'Irsa', { issuerUrl: SEED_ISSUER_URL });
      new IrsaServiceAccount(new Stack(app, 'Apps', { env: ENV }), 'App', { cluster, namespace: 'testing', name: 'app' });
    });
    const account = deployedAccountOf(readStacks(dir));
    const role = account.roles.find(r => r.source.startsWith('Apps/'))!;
    expect(role.trustPolicy.Statement[0].Principal).toEqual({ Federated: PROVIDER_ARN });
    expect(account.unresolved).toEqual([]);
  });

  test('takes providers that already exist in the account', () => {
    const dir = synthesize(app => {
      const stack = new Stack(app, 'S', { env: ENV });
      IrsaCluster.fromOidcProviderArn(stack, 'Irsa', PROVIDER_ARN).addServiceAccount('App', { namespace: 'testing', name: 'app' });
    });
    const existing = { arn: PROVIDER_ARN, url: SEED_ISSUER_URL, clientIds: ['sts.amazonaws.com'], source: 'given' };
    const account = deployedAccountOf(readStacks(dir), { existingProviders: [existing] });
    expect(account.providers).toEqual([existing]);
    expect(account.roles[0].trustPolicy.Statement[0].Condition.StringEquals).toEqual(EXPECTED_SUB);
  });

  test('refuses a trust policy written as a string that is not JSON, naming the role', () => {
    const dir = synthesize(app => {
      const role = new iam.CfnRole(new Stack(app, 'S', { env: ENV }), 'Role', { assumeRolePolicyDocument: {} });
      role.addPropertyOverride('AssumeRolePolicyDocument', '{ not json');
    });
    expect(() => deployedAccountOf(readStacks(dir))).toThrow(new Error(
      'the trust policy of S/Role is not valid JSON: Expected property name or \'}\' in JSON at position 2'));
  });

  test('uses the given account and region for stacks without an environment', () => {
    const dir = synthesize(app => {
      new IrsaCluster(new Stack(app, 'S'), 'Irsa', { issuerUrl: SEED_ISSUER_URL });
    });
    const account = deployedAccountOf(readStacks(dir), { account: '111122223333', region: 'cn-north-1' });
    expect(account.providers[0].arn).toBe(`arn:aws-cn:iam::111122223333:oidc-provider/${SEED_ISSUER}`);
  });

  test.each([
    ['eu-west-2', 'aws'], ['cn-northwest-1', 'aws-cn'], ['us-gov-east-1', 'aws-us-gov'],
    ['us-iso-east-1', 'aws-iso'], ['us-isob-east-1', 'aws-iso-b'], ['eusc-de-east-1', 'aws-eusc'],
    // The same partitions as the role ARNs synthesis writes (src/private/role-arn.ts).
    ['us-isof-south-1', 'aws-iso-f'], ['eu-isoe-west-1', 'aws-iso-e'],
  ])('knows the partition of %s', (region, partition) => {
    expect(partitionOf(region)).toBe(partition);
  });
});
