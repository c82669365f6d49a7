import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IrsaCluster, IrsaServiceAccountRole, ServiceAccountIdentity } from '../src';
import { ACCOUNT, SEED_ISSUER, SEED_ISSUER_URL, testStack } from './support/app';
import { audit } from './support/trust-audit';

const SUB = `${SEED_ISSUER}:sub`;
const AUD = `${SEED_ISSUER}:aud`;

function controllerRole(stack: Stack, options: { audience?: string; stsRegionalEndpoints?: boolean; tokenExpiration?: Duration } = {}) {
  const irsa = new IrsaCluster(stack, 'Irsa', { issuerUrl: SEED_ISSUER_URL, clientIds: ['sts.amazonaws.com', 'vault'] });
  return irsa.addServiceAccountRole('Controller', { namespace: 'kube-system', name: 'controller', ...options });
}

describe('IrsaServiceAccountRole', () => {
  test('creates the role with the exact trust, and nothing in Kubernetes', () => {
    // GIVEN
    const stack = testStack();

    // WHEN
    const role = controllerRole(stack);

    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::Role', 1);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{
          Action: 'sts:AssumeRoleWithWebIdentity',
          Effect: 'Allow',
          Principal: { Federated: { 'Fn::GetAtt': ['IrsaAC15A16C', 'Arn'] } },
          Condition: { StringEquals: { [SUB]: 'system:serviceaccount:kube-system:controller', [AUD]: 'sts.amazonaws.com' } },
        }],
      },
      RoleName: 'Stack-Irsa-Controller-A0C8D3EA',
    });
    expect(role.node.children.map(c => c.node.id)).toEqual(['Resource']);
    expect([role.serviceAccountNamespace, role.serviceAccountName, role.roleArn])
      .toEqual(['kube-system', 'controller', `arn:aws:iam::${ACCOUNT}:role/Stack-Irsa-Controller-A0C8D3EA`]);
  });

  test('defaults the namespace to "default"', () => {
    const stack = testStack();
    const role = new IrsaCluster(stack, 'Irsa', { issuerUrl: SEED_ISSUER_URL }).addServiceAccountRole('Agent', { name: 'agent' });
    expect(role.serviceAccountNamespace).toBe('default');
  });

  test('gives the annotations the ServiceAccount needs: the role ARN, and the options that are set', () => {
    const stack = testStack();
    const plain = controllerRole(stack);
    const stack2 = testStack();
    const full = controllerRole(stack2, { audience: 'vault', stsRegionalEndpoints: true, tokenExpiration: Duration.hours(1) });
    expect(plain.serviceAccountAnnotations).toEqual({ 'eks.amazonaws.com/role-arn': plain.roleArn });
    expect(full.serviceAccountAnnotations).toEqual({
      'eks.amazonaws.com/role-arn': full.roleArn,
      'eks.amazonaws.com/audience': 'vault',
      'eks.amazonaws.com/sts-regional-endpoints': 'true',
      'eks.amazonaws.com/token-expiration': '3600',
    });
  });

  test('gives Helm values as nested objects, with more annotations if asked', () => {
    const stack = testStack();
    const role = controllerRole(stack);
    expect(role.serviceAccountHelmValues()).toEqual({ create: true, name: 'controller', annotations: { 'eks.amazonaws.com/role-arn': role.roleArn } });
    expect(role.serviceAccountHelmValues({ create: false, annotations: { team: 'platform' } })).toEqual({
      create: false, name: 'controller', annotations: { 'team': 'platform', 'eks.amazonaws.com/role-arn': role.roleArn },
    });
  });

  test('refuses Helm annotations that would replace its own', () => {
    const stack = testStack();
    const role = controllerRole(stack);
    expect(() => role.serviceAccountHelmValues({ annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::1:role/x' } }))
      .toThrow(new Error("IrsaServiceAccountRole 'Stack/Irsa/Controller': the annotation \"eks.amazonaws.com/role-arn\" is written by " +
        'IrsaServiceAccountRole: it is always the role of this ServiceAccount.'));
    expect(() => role.serviceAccountHelmValues({ annotations: { 'not a key': 'x' } }))
      .toThrow(new Error("IrsaServiceAccountRole 'Stack/Irsa/Controller': annotation key \"not a key\" is not a valid Kubernetes key. " +
        'Use an optional DNS subdomain prefix and "/", then 1-63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit.'));
  });

  test('validates its input under its own name', () => {
    const stack = testStack();
    const irsa = new IrsaCluster(stack, 'Irsa', { issuerUrl: SEED_ISSUER_URL });
    expect(() => irsa.addServiceAccountRole('Bad', { name: 'Bad_Name' })).toThrow(new Error("IrsaServiceAccountRole 'Stack/Irsa/Bad': name " +
      '"Bad_Name" is not a valid Kubernetes ServiceAccount name. Use a DNS-1123 subdomain: at most 253 lowercase letters, digits, "-" or ".", ' +
      'starting and ending with a letter or digit.'));
  });

  test('is a principal: grants go to its role', () => {
    const stack = testStack();
    const role = controllerRole(stack);
    new s3.Bucket(stack, 'Bucket').grantRead(role);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: 'IrsaController22F9579D' }],
    });
  });

  test('trusts more ServiceAccounts, as IrsaServiceAccount does', () => {
    const stack = testStack();
    const role = controllerRole(stack);
    role.trust(role.node.scope as IrsaCluster, { name: 'controller-canary' });
    const trust = Template.fromStack(stack).findResources('AWS::IAM::Role');
    expect(Object.values(trust)[0].Properties.AssumeRolePolicyDocument.Statement[0].Condition.StringEquals[SUB])
      .toEqual(['system:serviceaccount:kube-system:controller', 'system:serviceaccount:kube-system:controller-canary']);
  });

  test('can be made for an imported provider too', () => {
    const stack = testStack();
    const imported = IrsaCluster.fromOidcProviderArn(stack, 'Irsa', `arn:aws:iam::${ACCOUNT}:oidc-provider/${SEED_ISSUER}`);
    const role = imported.addServiceAccountRole('Agent', { namespace: 'monitoring', name: 'agent' });
    expect(role).toBeInstanceOf(IrsaServiceAccountRole);
    expect(role.node.path).toBe('Stack/Irsa/Agent');
  });
});

describe('IrsaServiceAccountRole with EKS Pod Identity', () => {
  const CLUSTER_ARN = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':eks:eu-west-2:123456789012:cluster/prod']] };
  const podStatement = (names: string | string[], namespace = 'shop', clusterArn: unknown = CLUSTER_ARN) => ({
    Action: ['sts:AssumeRole', 'sts:TagSession'],
    Effect: 'Allow',
    Principal: { Service: 'pods.eks.amazonaws.com' },
    Condition: {
      StringEquals: {
        'aws:RequestTag/eks-cluster-arn': clusterArn,
        'aws:RequestTag/kubernetes-namespace': namespace,
        'aws:RequestTag/kubernetes-service-account': names,
      },
    },
  });

  function prod(stack: Stack) {
    return new IrsaCluster(stack, 'Irsa', { issuerUrl: SEED_ISSUER_URL, clusterName: 'prod' });
  }

  function trustOf(stack: Stack) {
    return Object.values(Template.fromStack(stack).findResources('AWS::IAM::Role'))[0].Properties.AssumeRolePolicyDocument.Statement;
  }

  test('POD_IDENTITY trusts pods.eks.amazonaws.com for the cluster, namespace and ServiceAccount only, with an association and no annotation', () => {
    // GIVEN
    const stack = testStack();

    // WHEN
    const role = prod(stack).addServiceAccountRole('Orders', { namespace: 'shop', name: 'orders', identity: ServiceAccountIdentity.POD_IDENTITY });

    // THEN
    expect(trustOf(stack)).toEqual([podStatement('orders')]);
    const roleId = stack.resolve((role.role.node.defaultChild as iam.CfnRole).logicalId);
    Template.fromStack(stack).resourcePropertiesCountIs('AWS::EKS::PodIdentityAssociation', {
      ClusterName: 'prod', Namespace: 'shop', ServiceAccount: 'orders', RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] },
    }, 1);
    expect(role.serviceAccountAnnotations).toEqual({});
    expect(role.serviceAccountHelmValues()).toEqual({ create: true, name: 'orders', annotations: {} });
    expect(role.podIdentityAssociation()).toBe(role.node.findChild('PodIdentityAssociation'));
    expect(audit(stack)).toEqual([]);
  });

  test('IRSA_AND_POD_IDENTITY has both trusts, the association and the annotation, for moving a workload', () => {
    const stack = testStack();
    const role = prod(stack).addServiceAccountRole('Orders', { namespace: 'shop', name: 'orders', identity: ServiceAccountIdentity.IRSA_AND_POD_IDENTITY });
    expect(trustOf(stack)).toEqual([
      expect.objectContaining({ Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { [SUB]: 'system:serviceaccount:shop:orders', [AUD]: 'sts.amazonaws.com' } } }),
      podStatement('orders'),
    ]);
    Template.fromStack(stack).resourceCountIs('AWS::EKS::PodIdentityAssociation', 1);
    expect(role.serviceAccountAnnotations).toEqual({ 'eks.amazonaws.com/role-arn': role.roleArn });
    expect(audit(stack)).toEqual([]);
  });

  test('trust() adds names of one namespace to one statement, and a statement per namespace and cluster, each with its association', () => {
    // GIVEN
    const stack = testStack();
    const irsa = prod(stack);
    const staging = new IrsaCluster(stack, 'Staging', { issuerUrl: `${SEED_ISSUER_URL}0`, clusterName: 'staging' });
    const role = irsa.addServiceAccountRole('Orders', { namespace: 'shop', name: 'orders', identity: ServiceAccountIdentity.POD_IDENTITY });

    // WHEN
    role.trust(irsa, { name: 'orders-canary' });
    role.trust(irsa, { namespace: 'billing', name: 'orders' });
    role.trust(staging);

    // THEN
    const stagingArn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':eks:eu-west-2:123456789012:cluster/staging']] };
    expect(trustOf(stack)).toEqual([
      podStatement(['orders', 'orders-canary']),
      podStatement('orders', 'billing'),
      podStatement('orders', 'shop', stagingArn),
    ]);
    const associations = Object.values(Template.fromStack(stack).findResources('AWS::EKS::PodIdentityAssociation')).map(a => a.Properties);
    expect(associations.map(a => `${a.ClusterName}/${a.Namespace}/${a.ServiceAccount}`))
      .toEqual(['prod/shop/orders', 'prod/shop/orders-canary', 'prod/billing/orders', 'staging/shop/orders']);
    expect(role.podIdentityAssociation('billing', 'orders')).toBeDefined();
    expect(role.podIdentityAssociation('shop', 'orders', staging)).toBeDefined();
    expect(audit(stack)).toEqual([]);
  });

  test('refuses what EKS Pod Identity cannot do: an unknown cluster name, a namespace wildcard, IRSA-only options', () => {
    const stack = testStack();
    const unnamed = new IrsaCluster(stack, 'Unnamed', { issuerUrl: SEED_ISSUER_URL });
    expect(() => unnamed.addServiceAccountRole('A', { name: 'a', identity: ServiceAccountIdentity.POD_IDENTITY })).toThrow(new Error(
      "IrsaServiceAccountRole 'Stack/Unnamed/A': identity is POD_IDENTITY, but the name of the cluster of 'Stack/Unnamed' is not known, and " +
      'EKS Pod Identity associations name the cluster. Pass clusterName (or cluster, or eksV2Cluster) to the IrsaCluster, or clusterName to ' +
      'IrsaCluster.fromIrsaClusterAttributes.'));
    const imported = IrsaCluster.fromOidcProviderArn(stack, 'Imported', `arn:aws:iam::${ACCOUNT}:oidc-provider/${SEED_ISSUER}`);
    expect(() => imported.addServiceAccountRole('B', { name: 'b', identity: ServiceAccountIdentity.IRSA_AND_POD_IDENTITY }))
      .toThrow(/^IrsaServiceAccountRole 'Stack\/Imported\/B': identity is IRSA_AND_POD_IDENTITY, but the name of the cluster/);

    const named = new IrsaCluster(stack, 'Named', { issuerUrl: `${SEED_ISSUER_URL}0`, clusterName: 'prod' });
    const role = named.addServiceAccountRole('C', { name: 'c', identity: ServiceAccountIdentity.POD_IDENTITY });
    expect(() => role.trustAllServiceAccountsInNamespace(named, 'jobs')).toThrow(new Error("IrsaServiceAccountRole 'Stack/Named/C': " +
      'trustAllServiceAccountsInNamespace cannot work with EKS Pod Identity (identity POD_IDENTITY): an association names one ' +
      'ServiceAccount. Call trust() with each name, or use identity IRSA for a namespace wildcard.'));
    expect(() => named.addServiceAccountRole('D', { name: 'd', identity: ServiceAccountIdentity.POD_IDENTITY, audience: 'vault', tokenExpiration: Duration.hours(1) }))
      .toThrow(new Error("IrsaServiceAccountRole 'Stack/Named/D': audience, tokenExpiration are set, but only IRSA reads them, and identity is " +
        'POD_IDENTITY. Leave them out, or use IRSA_AND_POD_IDENTITY.'));
    expect(() => named.addServiceAccountRole('E', { name: 'e', identity: ServiceAccountIdentity.POD_IDENTITY, stsRegionalEndpoints: true }))
      .toThrow(new Error("IrsaServiceAccountRole 'Stack/Named/E': stsRegionalEndpoints is set, but only IRSA reads it, and identity is " +
        'POD_IDENTITY. Leave it out, or use IRSA_AND_POD_IDENTITY.'));
  });

  test('refuses a wildcard given to trust() as a name, pointing at trustAllServiceAccountsInNamespace or saying why EKS Pod Identity has none', () => {
    const stack = testStack();
    const irsa = new IrsaCluster(stack, 'Irsa', { issuerUrl: SEED_ISSUER_URL, clusterName: 'prod' });
    const start = (id: string) => `IrsaServiceAccountRole 'Stack/Irsa/${id}': trust() takes the name of one ServiceAccount, and "*" is a wildcard. `;
    const podIdentity = 'EKS Pod Identity has no wildcard: an association names one ServiceAccount, and EKS Auth gives credentials only to ' +
      'pods whose ServiceAccount has one.';
    const roleOf = (id: string, identity: ServiceAccountIdentity) => irsa.addServiceAccountRole(id, { namespace: 'jobs', name: `runner-${id.toLowerCase()}`, identity });
    expect(() => roleOf('Irsa', ServiceAccountIdentity.IRSA).trust(irsa, { name: '*' })).toThrow(new Error(start('Irsa') +
      'To let every ServiceAccount of namespace "jobs" assume the role, call trustAllServiceAccountsInNamespace(cluster, "jobs"); anyone ' +
      'who can create a ServiceAccount there then gets the role, so prefer trust() with each name.'));
    expect(() => roleOf('Pod', ServiceAccountIdentity.POD_IDENTITY).trust(irsa, { name: '*' }))
      .toThrow(new Error(`${start('Pod')}${podIdentity} Call trust() with each name.`));
    expect(() => roleOf('Both', ServiceAccountIdentity.IRSA_AND_POD_IDENTITY).trust(irsa, { name: '*' }))
      .toThrow(new Error(`${start('Both')}${podIdentity} Call trust() with each name, or use identity IRSA and trustAllServiceAccountsInNamespace(cluster, "jobs").`));
  });

  test.each([
    ['an empty document', { Empty: new iam.PolicyDocument() }, 'inline policy "Empty" has no statements, and IAM takes no empty policy. Add ' +
      'statements to it, or leave it out and grant with the resource (bucket.grantRead(serviceAccount)) or addToPrincipalPolicy().'],
    ['a statement without resources', { Read: new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'] })] }) },
      'inline policy "Read": A PolicyStatement used in an identity-based policy must specify at least one resource.'],
    ['a statement with a principal', {
      Read: new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'], principals: [new iam.AnyPrincipal()] })] }),
    }, 'inline policy "Read": A PolicyStatement used in an identity-based policy cannot specify any IAM principals.'],
    ['a name IAM refuses', { 'read bucket': new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] })] }) },
      'inline policy name "read bucket" is not a valid IAM policy name. Use 1-128 characters from letters, digits and "+=,.@_-".'],
    ['a name too long', { ['p'.repeat(129)]: new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] })] }) },
      `inline policy name "${'p'.repeat(129)}" is not a valid IAM policy name (129 characters, at most 128). Use 1-128 characters from letters, digits and "+=,.@_-".`],
  ])('refuses inline policies with %s at construction, with the path, where aws-cdk-lib would fail only at synthesis', (_, inlinePolicies, message) => {
    const irsa = new IrsaCluster(testStack(), 'Irsa', { issuerUrl: SEED_ISSUER_URL });
    expect(() => irsa.addServiceAccountRole('Role', { name: 'app', inlinePolicies })).toThrow(new Error(`IrsaServiceAccountRole 'Stack/Irsa/Role': ${message}`));
  });

  test('works with an imported provider that knows its cluster name', () => {
    const stack = testStack();
    const imported = IrsaCluster.fromIrsaClusterAttributes(stack, 'Imported', {
      openIdConnectProviderArn: `arn:aws:iam::${ACCOUNT}:oidc-provider/${SEED_ISSUER}`, clusterName: 'prod',
    });
    imported.addServiceAccountRole('Orders', { namespace: 'shop', name: 'orders', identity: ServiceAccountIdentity.POD_IDENTITY });
    expect(trustOf(stack)).toEqual([podStatement('orders')]);
  });
});
