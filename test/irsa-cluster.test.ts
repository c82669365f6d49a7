import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IrsaCluster } from '../src';
import { SEED_ISSUER, SEED_ISSUER_URL, testStack } from './support/app';

const IMPORTED_ARN = `arn:aws:iam::123456789012:oidc-provider/${SEED_ISSUER}`;

describe('IrsaCluster', () => {
  test('creates a native OIDC provider for a literal issuer with the STS audience and no thumbprints', () => {
    // GIVEN
    const stack = testStack();

    // WHEN
    const irsa = new IrsaCluster(stack, 'Irsa', { issuerUrl: SEED_ISSUER_URL });

    // THEN
    const providers = Template.fromStack(stack).findResources('AWS::IAM::OIDCProvider');
    expect(Object.values(providers)).toEqual([{
      Type: 'AWS::IAM::OIDCProvider',
      Properties: { Url: SEED_ISSUER_URL, ClientIdList: ['sts.amazonaws.com'] },
    }]);
    expect(irsa.openIdConnectProviderIssuer).toBe(SEED_ISSUER);
    expect(stack.resolve(irsa.openIdConnectProviderArn)).toEqual({ 'Fn::GetAtt': ['IrsaAC15A16C', 'Arn'] });
    expect(irsa.clientIds).toEqual(['sts.amazonaws.com']);
    expect(irsa.kubectlCluster).toBeUndefined();
  });

  test('passes client IDs and thumbprints through', () => {
    // GIVEN
    const stack = testStack();
    const thumbprint = '9e99a48a9960b14926bb7f3b02e22da2b0ab7280';

    // WHEN
    new IrsaCluster(stack, 'Irsa', {
      issuerUrl: SEED_ISSUER_URL,
      clientIds: ['sts.amazonaws.com', 'my-audience'],
      thumbprints: [thumbprint],
    });

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::OIDCProvider', {
      ClientIdList: ['sts.amazonaws.com', 'my-audience'],
      ThumbprintList: [thumbprint],
    });
  });

  test('derives the condition-key issuer of a token URL from the provider ARN, not by string surgery', () => {
    // GIVEN
    const stack = testStack();
    const issuerUrl = new CfnParameter(stack, 'IssuerUrl').valueAsString;

    // WHEN
    const irsa = new IrsaCluster(stack, 'Irsa', { issuerUrl });

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::OIDCProvider', { Url: { Ref: 'IssuerUrl' } });
    expect(stack.resolve(irsa.openIdConnectProviderIssuer)).toEqual({
      'Fn::Select': [1, { 'Fn::Split': [':oidc-provider/', { 'Fn::GetAtt': ['IrsaAC15A16C', 'Arn'] }] }],
    });
  });

  test('takes the issuer of an eks.Cluster defined in the app and uses its kubectl for manifests', () => {
    // GIVEN
    const stack = testStack();
    const cluster = new eks.Cluster(stack, 'Eks', {
      version: eks.KubernetesVersion.V1_33,
      kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(stack, 'Kubectl', 'arn:aws:lambda:eu-west-2:123456789012:layer:kubectl:1'),
      defaultCapacity: 0,
    });

    // WHEN
    const irsa = new IrsaCluster(stack, 'Irsa', { cluster });

    // THEN
    const clusterResource = cluster.node.findChild('Resource').node.defaultChild as any;
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::OIDCProvider', {
      Url: { 'Fn::GetAtt': [stack.getLogicalId(clusterResource), 'OpenIdConnectIssuerUrl'] },
    });
    expect(irsa.kubectlCluster).toBe(cluster);
  });

  test('does not apply manifests when applyManifests is false', () => {
    // GIVEN
    const stack = testStack();
    const cluster = eks.Cluster.fromClusterAttributes(stack, 'Eks', {
      clusterName: 'prod',
      kubectlRoleArn: 'arn:aws:iam::123456789012:role/kubectl',
    });

    // WHEN
    const irsa = new IrsaCluster(stack, 'Irsa', { cluster, issuerUrl: SEED_ISSUER_URL, applyManifests: false });

    // THEN
    expect(irsa.kubectlCluster).toBeUndefined();
  });

  test('applies manifests through an imported cluster with a kubectl role', () => {
    // GIVEN
    const stack = testStack();
    const cluster = eks.Cluster.fromClusterAttributes(stack, 'Eks', {
      clusterName: 'prod',
      kubectlRoleArn: 'arn:aws:iam::123456789012:role/kubectl',
    });

    // WHEN
    const irsa = new IrsaCluster(stack, 'Irsa', { cluster, issuerUrl: SEED_ISSUER_URL });

    // THEN
    expect(irsa.kubectlCluster).toBe(cluster);
  });

  test('only writes manifests for an imported cluster without kubectl access', () => {
    // GIVEN
    const stack = testStack();
    const cluster = eks.Cluster.fromClusterAttributes(stack, 'Eks', { clusterName: 'prod' });

    // WHEN
    const irsa = new IrsaCluster(stack, 'Irsa', { cluster, issuerUrl: SEED_ISSUER_URL });

    // THEN
    expect(irsa.kubectlCluster).toBeUndefined();
  });

  test('refuses a second provider for the same issuer in the same account', () => {
    const stack = testStack();
    new IrsaCluster(stack, 'Blue', { issuerUrl: SEED_ISSUER_URL });
    expect(() => new IrsaCluster(stack, 'Again', { issuerUrl: SEED_ISSUER_URL })).toThrow(new Error(
      `IrsaCluster 'Stack/Again': IrsaCluster 'Stack/Blue' already creates the IAM OIDC provider for ${SEED_ISSUER_URL} in account ` +
      '123456789012, and IAM allows one per issuer. Use that IrsaCluster for this ServiceAccount too, or ' +
      'IrsaCluster.fromOidcProviderArn() in another app.',
    ));
  });

  test('fails synthesis when the cluster already has an OIDC provider of aws-eks', () => {
    // GIVEN a cluster whose aws-eks ServiceAccount made aws-cdk-lib create a provider for the same issuer
    const stack = testStack();
    const cluster = new eks.Cluster(stack, 'Eks', {
      version: eks.KubernetesVersion.V1_33,
      kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(stack, 'Kubectl', 'arn:aws:lambda:eu-west-2:123456789012:layer:kubectl:1'),
      defaultCapacity: 0,
    });
    cluster.addServiceAccount('Legacy');

    // WHEN
    new IrsaCluster(stack, 'Irsa', { cluster });

    // THEN
    expect(() => (stack.node.root as App).synth()).toThrow(new Error('Validation failed with the following errors:\n  ' +
      "[Stack/Irsa] cluster 'Stack/Eks' already has an IAM OIDC provider ('Stack/Eks/OpenIdConnectProvider'), and IAM allows one per issuer. " +
      'Use it instead of creating another: IrsaCluster.fromIrsaClusterAttributes(scope, id, { openIdConnectProviderArn: ' +
      'cluster.openIdConnectProvider.openIdConnectProviderArn, kubectlCluster: cluster }).',
    ));
  });

  describe('fromOidcProviderArn', () => {
    test('creates nothing and reads the issuer from a literal ARN', () => {
      // GIVEN
      const stack = testStack();

      // WHEN
      const irsa = IrsaCluster.fromOidcProviderArn(stack, 'Irsa', IMPORTED_ARN);

      // THEN
      expect(irsa.openIdConnectProviderArn).toBe(IMPORTED_ARN);
      expect(irsa.openIdConnectProviderIssuer).toBe(SEED_ISSUER);
      expect(irsa.clientIds).toBeUndefined();
      expect(Template.fromStack(stack).toJSON().Resources).toBeUndefined();
    });

    test('splits a token ARN at deploy time', () => {
      // GIVEN
      const stack = testStack();
      const arn = new CfnParameter(stack, 'ProviderArn').valueAsString;

      // WHEN
      const irsa = IrsaCluster.fromOidcProviderArn(stack, 'Irsa', arn);

      // THEN
      expect(stack.resolve(irsa.openIdConnectProviderIssuer)).toEqual({
        'Fn::Select': [1, { 'Fn::Split': [':oidc-provider/', { Ref: 'ProviderArn' }] }],
      });
    });

    test('rejects an ARN that is not an OIDC provider', () => {
      const stack = testStack();
      expect(() => IrsaCluster.fromOidcProviderArn(stack, 'Irsa', 'arn:aws:iam::123456789012:role/oops'))
        .toThrow(new Error("IrsaCluster 'Stack/Irsa': \"arn:aws:iam::123456789012:role/oops\" is not an IAM OIDC provider ARN. " +
          'Expected arn:<partition>:iam::<account>:oidc-provider/<issuer>, e.g. ' +
          'arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-2.amazonaws.com/id/EXAMPLE.'));
    });

    test('keeps the client IDs and kubectl cluster given as attributes', () => {
      // GIVEN
      const stack = testStack();
      const cluster = eks.Cluster.fromClusterAttributes(stack, 'Eks', {
        clusterName: 'prod',
        kubectlRoleArn: 'arn:aws:iam::123456789012:role/kubectl',
      });

      // WHEN
      const irsa = IrsaCluster.fromIrsaClusterAttributes(stack, 'Irsa', {
        openIdConnectProviderArn: IMPORTED_ARN,
        clientIds: ['sts.amazonaws.com'],
        kubectlCluster: cluster,
      });

      // THEN
      expect(irsa.clientIds).toEqual(['sts.amazonaws.com']);
      expect(irsa.kubectlCluster).toBe(cluster);
    });

    test('rejects a kubectl cluster without kubectl access', () => {
      const stack = testStack();
      const cluster = eks.Cluster.fromClusterAttributes(stack, 'Eks', { clusterName: 'prod' });
      expect(() => IrsaCluster.fromIrsaClusterAttributes(stack, 'Irsa', {
        openIdConnectProviderArn: IMPORTED_ARN,
        kubectlCluster: cluster,
      })).toThrow(new Error("IrsaCluster 'Stack/Irsa': applyManifests is true but cluster 'Stack/Eks' has no kubectl access. " +
        'Import it with kubectlRoleArn (or kubectlProvider), or leave applyManifests out to only write the manifests to the cloud assembly.'));
    });
  });

  describe('validation', () => {
    let stack: Stack;
    beforeEach(() => {
      stack = testStack();
    });

    const ISSUER_FIX = 'Use the cluster\'s issuer exactly as it appears in the token\'s "iss" claim, e.g. https://oidc.eks.eu-west-2.amazonaws.com/id/EXAMPLE.';
    test.each([
      ['http://oidc.example.com/id/X', 'must start with "https://": IAM only trusts OIDC issuers served over HTTPS.'],
      ['https://oidc.example.com/id/X?tenant=1', 'must not contain a query string or fragment: IAM rejects them.'],
      ['https://oidc.example.com/id/X#top', 'must not contain a query string or fragment: IAM rejects them.'],
      ['https://oidc.example.com:8443/id/X', 'must not contain a port: IAM rejects issuer URLs with a port.'],
      ['https://oidc.example.com:443/id/X', 'must not contain a port: IAM rejects issuer URLs with a port.'],
      ['https://user:pw@oidc.example.com/id/X', 'must not contain credentials.'],
      ['https://', 'is not a valid URL.'],
      [`https://oidc.example.com/${'x'.repeat(240)}`, 'is 265 characters long; IAM accepts at most 255.'],
    ])('rejects issuer %s', (issuerUrl, problem) => {
      expect(() => new IrsaCluster(stack, 'Irsa', { issuerUrl }))
        .toThrow(new Error(`IrsaCluster 'Stack/Irsa': issuerUrl ${JSON.stringify(issuerUrl)} ${problem} ${ISSUER_FIX}`));
    });

    test('requires an issuer or a cluster', () => {
      const message = (id: string) => `IrsaCluster 'Stack/${id}': pass issuerUrl (the cluster's OIDC issuer) or cluster (an eks.Cluster defined in this app).`;
      expect(() => new IrsaCluster(stack, 'Irsa', {})).toThrow(new Error(message('Irsa')));
      expect(() => new IrsaCluster(stack, 'NoProps')).toThrow(new Error(message('NoProps')));
    });

    test('explains that an imported cluster has no known issuer', () => {
      const cluster = eks.Cluster.fromClusterAttributes(stack, 'Eks', { clusterName: 'prod' });
      expect(() => new IrsaCluster(stack, 'Irsa', { cluster }))
        .toThrow(new Error("IrsaCluster 'Stack/Irsa': the OIDC issuer of cluster 'Stack/Eks' is not known to aws-cdk-lib (it is imported). " +
          'Pass issuerUrl (`aws eks describe-cluster --name <name> --query cluster.identity.oidc.issuer`), or use ' +
          'IrsaCluster.fromOidcProviderArn() if the cluster already has an IAM OIDC provider.'));
    });

    test.each([
      [[], 'clientIds has 0 entries; IAM requires between 1 and 100. Leave it out to accept the default audience "sts.amazonaws.com".'],
      [Array.from({ length: 101 }, (_, i) => `client-${i}`),
        'clientIds has 101 entries; IAM requires between 1 and 100. Leave it out to accept the default audience "sts.amazonaws.com".'],
      [['x'.repeat(256)], `client ID "${'x'.repeat(256)}" is 256 characters long; IAM requires 1 to 255.`],
      [[''], 'client ID "" is 0 characters long; IAM requires 1 to 255.'],
    ])('rejects client IDs %#', (clientIds, message) => {
      expect(() => new IrsaCluster(stack, 'Irsa', { issuerUrl: SEED_ISSUER_URL, clientIds })).toThrow(new Error(`IrsaCluster 'Stack/Irsa': ${message}`));
    });

    const THUMBPRINT_FIX = 'IAM wants 40 hexadecimal characters. Leave thumbprints out for EKS issuers: IAM verifies them with its own trusted certificate authorities.';
    test.each([
      [['abc'], `thumbprint "abc" is not a SHA-1 fingerprint: ${THUMBPRINT_FIX}`],
      [['g'.repeat(40)], `thumbprint "${'g'.repeat(40)}" is not a SHA-1 fingerprint: ${THUMBPRINT_FIX}`],
      [Array.from({ length: 6 }, () => 'a'.repeat(40)), 'thumbprints has 6 entries; IAM accepts at most 5.'],
    ])('rejects thumbprints %#', (thumbprints, message) => {
      expect(() => new IrsaCluster(stack, 'Irsa', { issuerUrl: SEED_ISSUER_URL, thumbprints })).toThrow(new Error(`IrsaCluster 'Stack/Irsa': ${message}`));
    });

    test('rejects applyManifests without a cluster', () => {
      expect(() => new IrsaCluster(stack, 'Irsa', { issuerUrl: SEED_ISSUER_URL, applyManifests: true }))
        .toThrow(new Error("IrsaCluster 'Stack/Irsa': applyManifests is true but no cluster is given. " +
          'Pass `cluster` (an eks.ICluster with kubectl access), or leave applyManifests out.'));
    });

    test('skips checks of token values', () => {
      const issuerUrl = new CfnParameter(stack, 'IssuerUrl').valueAsString;
      const clientIds = new CfnParameter(stack, 'ClientIds', { type: 'List<String>' }).valueAsList;
      expect(() => new IrsaCluster(stack, 'Irsa', { issuerUrl, clientIds, thumbprints: [issuerUrl] })).not.toThrow();
    });
  });
});
