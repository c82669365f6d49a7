import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IrsaCluster, ServiceAccountIdentity } from '../src';
import { SEED_ISSUER, SEED_ISSUER_URL, testApp, testStack } from './support/app';

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

    test.each([
      ['both cluster kinds', (stack: Stack) => ({
        kubectlCluster: eks.Cluster.fromClusterAttributes(stack, 'V1', { clusterName: 'a', kubectlRoleArn: 'arn:aws:iam::123456789012:role/kubectl' }),
        eksV2KubectlCluster: eksv2.Cluster.fromClusterAttributes(stack, 'V2', { clusterName: 'b' }),
      }), 'pass kubectlCluster (an aws-eks cluster) or eksV2KubectlCluster (an aws-eks-v2 cluster), not both.'],
      ['a name beside a kubectl cluster', (stack: Stack) => ({
        kubectlCluster: eks.Cluster.fromClusterAttributes(stack, 'V1', { clusterName: 'blue', kubectlRoleArn: 'arn:aws:iam::123456789012:role/kubectl' }),
        clusterName: 'green',
      }), "clusterName is set, but the name comes from cluster 'Stack/V1'. Leave clusterName out."],
    ])('refuses %s', (_, attrs, message) => {
      const stack = testStack();
      expect(() => IrsaCluster.fromIrsaClusterAttributes(stack, 'Irsa', { openIdConnectProviderArn: IMPORTED_ARN, ...attrs(stack) }))
        .toThrow(new Error(`IrsaCluster 'Stack/Irsa': ${message}`));
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

    const EKS = 'https://oidc.eks.eu-west-2.amazonaws.com/id/0524940DCDEE3C59B6B1ABEFCE8BB2A2';
    test.each([
      [`${EKS}/`, 'ends in "/", which tokens\' "iss" never does (an API server publishes its discovery document at <issuer>/.well-known/openid-configuration)'],
      [`${EKS}/.well-known/openid-configuration`, 'is the address of the issuer\'s discovery document, not the issuer'],
      [EKS.replace('/id/', '//id/'), 'has an empty path segment ("//")'],
      [`${EKS} `, 'contains white space, which no token\'s "iss" has'],
      [EKS.replace('oidc.eks.eu-west-2.amazonaws.com', 'oidc-eks.eu-west-2.api.aws'), 'is the dual-stack host of an EKS issuer, which EKS tokens ' +
        'never carry in "iss" (they name oidc.eks.eu-west-2.amazonaws.com; the dual-stack host only serves the same documents over IPv6)'],
    ])('refuses issuer %j, a form no token carries, and names the one tokens carry', (issuerUrl, problem) => {
      expect(() => new IrsaCluster(stack, 'Irsa', { issuerUrl })).toThrow(new Error(`IrsaCluster 'Stack/Irsa': issuerUrl ${JSON.stringify(issuerUrl)} ` +
        `${problem}, so no token could match the role's trust. Use "${EKS}".`));
    });

    test('refuses a provider ARN whose issuer no token carries, through both imports', () => {
      const arn = 'arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-2.amazonaws.com/id/0524940DCDEE3C59B6B1ABEFCE8BB2A2/';
      const message = (id: string) => new Error(`IrsaCluster 'Stack/${id}': the provider ARN ${JSON.stringify(arn)} names the issuer ` +
        '"https://oidc.eks.eu-west-2.amazonaws.com/id/0524940DCDEE3C59B6B1ABEFCE8BB2A2/", which ends in "/", which tokens\' "iss" never does ' +
        '(an API server publishes its discovery document at <issuer>/.well-known/openid-configuration), so no token could match the role\'s trust. ' +
        `Use the provider of "${EKS}" (arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-2.amazonaws.com/id/0524940DCDEE3C59B6B1ABEFCE8BB2A2), ` +
        'creating it if it does not exist.');
      expect(() => IrsaCluster.fromOidcProviderArn(stack, 'Arn', arn)).toThrow(message('Arn'));
      expect(() => IrsaCluster.fromIrsaClusterAttributes(stack, 'Attributes', { openIdConnectProviderArn: arn })).toThrow(message('Attributes'));
    });

    test('requires an issuer or a cluster', () => {
      const message = (id: string) => `IrsaCluster 'Stack/${id}': pass issuerUrl (the cluster's OIDC issuer), cluster (an eks.Cluster defined in this app), eksV2Cluster, ` +
        'or issuer (a ServiceAccountIssuer, for a cluster you run yourself).';
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

  describe('the cluster, for EKS Pod Identity', () => {
    test('knows the name and ARN it is given, and adds the Pod Identity Agent add-on once, with a version', () => {
      // GIVEN
      const stack = testStack();

      // WHEN
      const irsa = new IrsaCluster(stack, 'Irsa', { issuerUrl: SEED_ISSUER_URL, clusterName: 'prod', podIdentityAgent: true, podIdentityAgentVersion: 'v1.3.4-eksbuild.1' });

      // THEN
      expect(irsa.clusterName).toBe('prod');
      expect(stack.resolve(irsa.clusterArn)).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':eks:eu-west-2:123456789012:cluster/prod']] });
      Template.fromStack(stack).templateMatches({
        Resources: { IrsaPodIdentityAgentE48B6E38: { Type: 'AWS::EKS::Addon', Properties: { AddonName: 'eks-pod-identity-agent', ClusterName: 'prod', AddonVersion: 'v1.3.4-eksbuild.1' } } },
      });
      expect(irsa.podIdentityAgent).toBe(irsa.node.findChild('PodIdentityAgent'));
    });

    test('adds no agent by default: EKS Auto Mode runs it already', () => {
      const stack = testStack();
      new IrsaCluster(stack, 'Irsa', { issuerUrl: SEED_ISSUER_URL, clusterName: 'prod' });
      Template.fromStack(stack).resourceCountIs('AWS::EKS::Addon', 0);
    });

    test('reads the name and ARN of an aws-eks cluster, and of an aws-eks-v2 cluster with its issuer', () => {
      const stack = testStack();
      const v1 = eks.Cluster.fromClusterAttributes(stack, 'V1', { clusterName: 'blue' });
      const v2 = new eksv2.Cluster(stack, 'V2', { version: eksv2.KubernetesVersion.V1_33 });
      const blue = new IrsaCluster(stack, 'Blue', { issuerUrl: SEED_ISSUER_URL, cluster: v1 });
      const green = new IrsaCluster(stack, 'Green', { eksV2Cluster: v2 });
      expect([blue.clusterName, blue.clusterArn]).toEqual([v1.clusterName, v1.clusterArn]);
      expect([green.clusterName, green.clusterArn, green.issuerUrl]).toEqual([v2.clusterName, v2.clusterArn, v2.clusterOpenIdConnectIssuerUrl]);
      green.addServiceAccountRole('Orders', { namespace: 'shop', name: 'orders', identity: ServiceAccountIdentity.POD_IDENTITY });
      Template.fromStack(stack).hasResourceProperties('AWS::EKS::PodIdentityAssociation', { ClusterName: { Ref: stack.resolve((v2.node.defaultChild as eksv2.CfnCluster).logicalId) } });
    });

    test('refuses a second provider for an aws-eks-v2 cluster that has one', () => {
      const stack = testStack();
      const v2 = new eksv2.Cluster(stack, 'V2', { version: eksv2.KubernetesVersion.V1_33 });
      const existing = v2.openIdConnectProvider;
      new IrsaCluster(stack, 'Irsa', { eksV2Cluster: v2 });
      expect(() => (stack.node.root as App).synth()).toThrow(new Error('Validation failed with the following errors:\n  ' +
        `[Stack/Irsa] cluster 'Stack/V2' already has an IAM OIDC provider ('${existing.node.path}'), and IAM allows one per issuer. ` +
        'Use it instead of creating another: IrsaCluster.fromIrsaClusterAttributes(scope, id, { openIdConnectProviderArn: ' +
        'cluster.openIdConnectProvider.openIdConnectProviderArn, kubectlCluster: cluster }).'));
    });

    test.each([
      ['both cluster kinds', (stack: Stack) => ({ cluster: eks.Cluster.fromClusterAttributes(stack, 'V1', { clusterName: 'a' }), eksV2Cluster: eksv2.Cluster.fromClusterAttributes(stack, 'V2', { clusterName: 'b' }), issuerUrl: SEED_ISSUER_URL }),
        'pass cluster (an aws-eks cluster) or eksV2Cluster (an aws-eks-v2 cluster), not both.'],
      ['a name beside a cluster', (stack: Stack) => ({ cluster: eks.Cluster.fromClusterAttributes(stack, 'V1', { clusterName: 'a' }), clusterName: 'a', issuerUrl: SEED_ISSUER_URL }),
        "clusterName is set, but the name comes from cluster 'Stack/V1'. Leave clusterName out."],
      ['an invalid name', () => ({ clusterName: 'prod cluster', issuerUrl: SEED_ISSUER_URL }),
        'clusterName "prod cluster" is not an EKS cluster name. Use the name the cluster has in EKS: 1-100 letters, digits, "-" or "_", starting with a letter or digit.'],
      ['a name too long', () => ({ clusterName: 'c'.repeat(101), issuerUrl: SEED_ISSUER_URL }),
        `clusterName "${'c'.repeat(101)}" is not an EKS cluster name (101 characters, at most 100). Use the name the cluster has in EKS: 1-100 ` +
        'letters, digits, "-" or "_", starting with a letter or digit.'],
      ['an agent without a name', () => ({ podIdentityAgent: true, issuerUrl: SEED_ISSUER_URL }),
        "podIdentityAgent needs the cluster's name. Pass clusterName (or cluster, or eksV2Cluster)."],
      ['an agent version without the agent', () => ({ podIdentityAgentVersion: 'v1', clusterName: 'prod', issuerUrl: SEED_ISSUER_URL }),
        'podIdentityAgentVersion is set, but podIdentityAgent is not. Set podIdentityAgent: true, or leave the version out.'],
    ])('refuses %s', (_, props, message) => {
      const stack = testStack();
      expect(() => new IrsaCluster(stack, 'Irsa', props(stack))).toThrow(new Error(`IrsaCluster 'Stack/Irsa': ${message}`));
    });

    test('adds an agent to each of two clusters of the same name in other accounts or regions', () => {
      const app = testApp();
      const agentIn = (id: string, account: string, region: string) => {
        const stack = new Stack(app, id, { env: { account, region } });
        const issuerUrl = `https://oidc.eks.${region}.amazonaws.com/id/${id.repeat(32)}`;
        new IrsaCluster(stack, 'Irsa', { issuerUrl, clusterName: 'prod', podIdentityAgent: true });
        return stack;
      };
      for (const stack of [agentIn('A', '111111111111', 'eu-west-2'), agentIn('B', '222222222222', 'eu-west-2'), agentIn('C', '111111111111', 'us-east-1')]) {
        Template.fromStack(stack).resourceCountIs('AWS::EKS::Addon', 1);
      }
    });

    test('refuses a second agent for the same cluster, and one beside aws-cdk-lib\'s own', () => {
      const app = testApp();
      const first = new IrsaCluster(new Stack(app, 'A', { env: { account: '123456789012', region: 'eu-west-2' } }), 'Irsa', { issuerUrl: SEED_ISSUER_URL, clusterName: 'prod', podIdentityAgent: true });
      expect(() => new IrsaCluster(new Stack(app, 'B', { env: { account: '123456789012', region: 'eu-west-2' } }), 'Irsa', { issuerUrl: new CfnParameter(first, 'Url').valueAsString, clusterName: 'prod', podIdentityAgent: true }))
        .toThrow(new Error("IrsaCluster 'B/Irsa': 'A/Irsa' already adds the EKS Pod Identity Agent add-on to cluster prod, and a cluster has one add-on of a name. Leave podIdentityAgent out here."));

      const stack = testStack();
      const v2 = new eksv2.Cluster(stack, 'V2', { version: eksv2.KubernetesVersion.V1_33 });
      new IrsaCluster(stack, 'Irsa', { eksV2Cluster: v2, podIdentityAgent: true });
      void v2.eksPodIdentityAgent;
      expect(() => (stack.node.root as App).synth()).toThrow(new Error('Validation failed with the following errors:\n  ' +
        "[Stack/Irsa] cluster 'Stack/V2' already has the EKS Pod Identity Agent add-on, which aws-cdk-lib added for a ServiceAccount with " +
        'identityType POD_IDENTITY, and a cluster has one add-on of a name. Leave podIdentityAgent out.'));
    });
  });
});
