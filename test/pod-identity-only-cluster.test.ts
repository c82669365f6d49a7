import { Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import { IrsaAddon, IrsaCluster, ServiceAccountIdentity } from '../src';
import { SEED_ISSUER_URL, testStack } from './support/app';

/* An IrsaCluster with createOidcProvider: false: EKS Pod Identity only, no OIDC provider, no web-identity path. */

describe('IrsaCluster with createOidcProvider: false', () => {
  test('creates no OIDC provider, and its Pod Identity ServiceAccounts get their association and a trust pinned to the cluster', () => {
    // GIVEN
    const stack = testStack();
    const irsa = new IrsaCluster(stack, 'Irsa', { clusterName: 'prod', createOidcProvider: false, podIdentityAgent: true });

    // WHEN
    const reports = irsa.addServiceAccount('Reports', { namespace: 'shop', name: 'reports', identity: ServiceAccountIdentity.POD_IDENTITY });

    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::OIDCProvider', 0);
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { ClusterName: 'prod', Namespace: 'shop', ServiceAccount: 'reports' });
    const trust = template.toJSON().Resources[stack.getLogicalId(reports.role.node.defaultChild as any)].Properties.AssumeRolePolicyDocument;
    expect(trust.Statement.map((s: any) => s.Principal)).toEqual([{ Service: 'pods.eks.amazonaws.com' }]);
    expect(JSON.stringify(trust)).not.toContain('AssumeRoleWithWebIdentity');
    expect(irsa.clientIds).toBeUndefined();
  });

  test('refuses an IRSA, both-mode or add-on ServiceAccount, naming the option', () => {
    // GIVEN
    const stack = testStack();
    const irsa = new IrsaCluster(stack, 'Irsa', { clusterName: 'prod', createOidcProvider: false });

    // THEN
    const message = (identity: string) => `identity is ${identity}, but IrsaCluster 'Stack/Irsa' has createOidcProvider: false, so IAM trusts ` +
      'no token of its ServiceAccounts. Use identity: ServiceAccountIdentity.POD_IDENTITY, or leave createOidcProvider out.';
    expect(() => irsa.addServiceAccount('App', { namespace: 'shop', name: 'app' })).toThrow(new Error(`IrsaServiceAccount 'Stack/Irsa/App': ${message('IRSA')}`));
    expect(() => irsa.addServiceAccount('Both', { namespace: 'shop', name: 'both', identity: ServiceAccountIdentity.IRSA_AND_POD_IDENTITY }))
      .toThrow(new Error(`IrsaServiceAccount 'Stack/Irsa/Both': ${message('IRSA_AND_POD_IDENTITY')}`));
    expect(() => irsa.addAddonRole('Ebs', IrsaAddon.ebsCsiDriver())).toThrow(new Error(`IrsaAddonRole 'Stack/Irsa/Ebs': ${message('IRSA')}`));
    const pod = irsa.addServiceAccount('Pod', { namespace: 'shop', name: 'pod', identity: ServiceAccountIdentity.POD_IDENTITY });
    expect(() => pod.trustAllServiceAccountsInNamespace(irsa, 'batch')).toThrow('trustAllServiceAccountsInNamespace cannot work with EKS Pod Identity');
  });

  test('has no provider ARN, issuer or issuer URL to give, and says why', () => {
    // GIVEN
    const stack = testStack();
    const irsa = new IrsaCluster(stack, 'Irsa', { clusterName: 'prod', createOidcProvider: false });

    // THEN
    const message = "IrsaCluster 'Stack/Irsa': has no IAM OIDC provider (createOidcProvider: false), so it has no provider ARN or issuer: " +
      'its ServiceAccounts use EKS Pod Identity. Leave createOidcProvider out for IRSA.';
    expect(() => irsa.openIdConnectProviderArn).toThrow(new Error(message));
    expect(() => irsa.openIdConnectProviderIssuer).toThrow(new Error(message));
    expect(() => irsa.issuerUrl).toThrow(new Error(message));
  });

  test('takes the cluster\'s name from an EKS cluster, without reading its issuer', () => {
    // GIVEN
    const stack = testStack();
    const cluster = eks.Cluster.fromClusterAttributes(stack, 'Cluster', { clusterName: 'imported' });

    // WHEN
    const irsa = new IrsaCluster(stack, 'Irsa', { cluster, createOidcProvider: false });

    // THEN
    expect(irsa.clusterName).toBe('imported');
    Template.fromStack(stack).resourceCountIs('AWS::IAM::OIDCProvider', 0);
  });

  describe('bad input', () => {
    test.each([
      [{ issuerUrl: SEED_ISSUER_URL, clusterName: 'prod' }, 'createOidcProvider is false, but issuerUrl configures the OIDC provider. Leave it out, or leave createOidcProvider out to use IRSA.'],
      [{ clientIds: ['vault'], thumbprints: ['a'.repeat(40)], clusterName: 'prod' },
        'createOidcProvider is false, but clientIds and thumbprints configure the OIDC provider. Leave them out, or leave createOidcProvider out to use IRSA.'],
      [{}, 'createOidcProvider is false, so its ServiceAccounts can only use EKS Pod Identity, whose associations name the cluster: pass cluster, eksV2Cluster or clusterName.'],
    ])('%j', (props, message) => {
      const stack = testStack();
      expect(() => new IrsaCluster(stack, 'Irsa', { ...props, createOidcProvider: false })).toThrow(new Error(`IrsaCluster 'Stack/Irsa': ${message}`));
    });
  });
});
