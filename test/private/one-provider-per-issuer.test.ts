import * as fs from 'fs';
import * as path from 'path';
import { CfnParameter, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { IrsaCluster } from '../../src';
import { claimIssuer, existingProviderOf, validateNoClusterProvider } from '../../src/private/one-provider-per-issuer';
import { testApp } from '../support/app';
import { testDirectory } from '../support/test-directory';

const URL = 'https://oidc.eks.eu-west-2.amazonaws.com/id/ABC';

describe('one IAM OIDC provider per issuer and account', () => {
  test('a second claim of the same issuer in the same account fails, naming the first', () => {
    const app = testApp();
    const stack = new Stack(app, 'A', { env: { account: '111111111111', region: 'eu-west-2' } });
    claimIssuer(new Construct(stack, 'First'), 'IrsaCluster', URL);
    expect(() => claimIssuer(new Construct(new Stack(app, 'B', { env: { account: '111111111111', region: 'us-east-1' } }), 'Second'), 'IrsaCluster', URL))
      .toThrow(new Error(`IrsaCluster 'B/Second': IrsaCluster 'A/First' already creates the IAM OIDC provider for ${URL} in account 111111111111, ` +
        'and IAM allows one per issuer. Use that IrsaCluster for this ServiceAccount too, or IrsaCluster.fromOidcProviderArn() in another app.'));
  });

  test('the same issuer in another account, another issuer, or a token issuer is fine', () => {
    const app = testApp();
    const stack = new Stack(app, 'A', { env: { account: '111111111111', region: 'eu-west-2' } });
    claimIssuer(new Construct(stack, 'First'), 'IrsaCluster', URL);
    expect(() => claimIssuer(new Construct(new Stack(app, 'B', { env: { account: '222222222222', region: 'eu-west-2' } }), 'X'), 'IrsaCluster', URL)).not.toThrow();
    expect(() => claimIssuer(new Construct(stack, 'Other'), 'IrsaCluster', `${URL}0`)).not.toThrow();
    const tokenUrl = new CfnParameter(stack, 'Url').valueAsString;
    claimIssuer(new Construct(stack, 'Token'), 'IrsaCluster', tokenUrl);
    expect(() => claimIssuer(new Construct(stack, 'Token2'), 'IrsaCluster', tokenUrl)).not.toThrow();
  });

  test('finds the provider aws-eks creates for a cluster of the app, without creating one', () => {
    const stack = new Stack(testApp(), 'S');
    const cluster = new eks.Cluster(stack, 'Eks', {
      version: eks.KubernetesVersion.V1_33,
      kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(stack, 'L', 'arn:aws:lambda:eu-west-2:123456789012:layer:kubectl:1'),
      defaultCapacity: 0,
    });
    expect(existingProviderOf(cluster)).toBeUndefined();
    expect(cluster.node.tryFindChild('OpenIdConnectProvider') ?? cluster.node.tryFindChild('OidcProviderNative')).toBeUndefined();
    const provider = cluster.openIdConnectProvider;
    expect(existingProviderOf(cluster)).toBe(provider.node.path);
    expect(validateNoClusterProvider(cluster)).toEqual([`cluster 'S/Eks' already has an IAM OIDC provider ('${provider.node.path}'), and IAM ` +
      'allows one per issuer. Use it instead of creating another: IrsaCluster.fromIrsaClusterAttributes(scope, id, { openIdConnectProviderArn: ' +
      'cluster.openIdConnectProvider.openIdConnectProviderArn, kubectlCluster: cluster }).']);
  });

  test('finds the provider an imported cluster was given', () => {
    const stack = new Stack(testApp(), 'S');
    const provider = iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(stack, 'P', `arn:aws:iam::123456789012:oidc-provider/${URL.slice(8)}`);
    const withProvider = eks.Cluster.fromClusterAttributes(stack, 'With', { clusterName: 'a', openIdConnectProvider: provider });
    const without = eks.Cluster.fromClusterAttributes(stack, 'Without', { clusterName: 'b' });
    expect(existingProviderOf(withProvider)).toBe('S/P');
    expect(existingProviderOf(without)).toBeUndefined();
    expect(validateNoClusterProvider(without)).toEqual([]);
    const v2WithProvider = eksv2.Cluster.fromClusterAttributes(stack, 'V2With', { clusterName: 'c', openIdConnectProvider: provider });
    const v2Without = eksv2.Cluster.fromClusterAttributes(stack, 'V2Without', { clusterName: 'd' });
    expect(existingProviderOf(v2WithProvider)).toBe('S/P');
    expect(existingProviderOf(v2Without)).toBeUndefined();
  });

  test('asks an imported cluster (aws-eks and aws-eks-v2) for its provider without an aws-cdk-lib error, which the CLI writes to cdk.out/error.txt', () => {
    // GIVEN the file the CDK CLI names in CDK_ERROR_FILE for the error code of any aws-cdk-lib ValidationError constructed
    const errorFile = path.join(testDirectory('cdk-out'), 'error.txt');
    const previous = process.env.CDK_ERROR_FILE;
    process.env.CDK_ERROR_FILE = errorFile;
    try {
      // WHEN an IrsaCluster is built on imported clusters that were given no provider, and the app is synthesized
      const app = testApp();
      const stack = new Stack(app, 'S', { env: { account: '123456789012', region: 'eu-west-2' } });
      new IrsaCluster(stack, 'V1', { cluster: eks.Cluster.fromClusterAttributes(stack, 'Eks', { clusterName: 'a' }), issuerUrl: URL });
      new IrsaCluster(stack, 'V2', {
        eksV2Cluster: eksv2.Cluster.fromClusterAttributes(stack, 'EksV2', { clusterName: 'b' }),
        issuerUrl: URL.replace('ABC', 'DEF'),
      });
      app.synth();

      // THEN nothing was written there
      expect(fs.existsSync(errorFile)).toBe(false);
    } finally {
      if (previous === undefined) delete process.env.CDK_ERROR_FILE;
      else process.env.CDK_ERROR_FILE = previous;
    }
  });
});
