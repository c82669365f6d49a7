import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IrsaCluster, PodIdentityTargetRole, ServiceAccountIdentity } from '../src';
import { ACCOUNT, ENV, SEED_ISSUER, SEED_ISSUER_URL, testApp, testStack } from './support/app';
import { audit } from './support/trust-audit';

/* A ServiceAccount given a role that already exists: only the annotation or the association, and the trust to add. */

const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/team/orders-reader`;
const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/${SEED_ISSUER}`;

function warningsOf(stack: Stack): string[] {
  return Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('existingRoleTrust')).map(w => String(w.entry.data));
}

describe('an existing role', () => {
  test('IRSA: the ServiceAccount is annotated with the role, no role is created, and the warning prints the exact trust', () => {
    // GIVEN
    const stack = testStack();
    const irsa = new IrsaCluster(stack, 'Irsa', { issuerUrl: SEED_ISSUER_URL });
    const role = iam.Role.fromRoleArn(stack, 'OrdersReader', ROLE_ARN);

    // WHEN
    const sa = irsa.addServiceAccount('Orders', { namespace: 'shop', name: 'orders', role });
    new s3.Bucket(stack, 'Orders').grantRead(sa);

    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::Role', 0);
    template.hasResourceProperties('AWS::IAM::Policy', { Roles: ['orders-reader'] });
    expect(sa.role).toBe(role);
    expect(sa.serviceAccountAnnotations).toEqual({ 'eks.amazonaws.com/role-arn': ROLE_ARN });
    const manifest = fs.readFileSync(path.join((stack.node.root as App).synth().directory, 'Stack.Irsa.k8s.yaml'), 'utf8');
    expect(manifest).toContain(`eks.amazonaws.com/role-arn: ${ROLE_ARN}`);
    const statement = {
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: { StringEquals: { [`${SEED_ISSUER}:sub`]: 'system:serviceaccount:shop:orders', [`${SEED_ISSUER}:aud`]: 'sts.amazonaws.com' } },
      Effect: 'Allow',
      Principal: { Federated: PROVIDER_ARN },
    };
    expect(warningsOf(stack)).toEqual([`role "${ROLE_ARN}" already exists, so cdk-irsa does not write its trust. Its owner must add ` +
      `this statement, or no pod of shop/orders gets its credentials: ${JSON.stringify([statement])}. Once the trust is in, ` +
      'acknowledge this warning (Annotations.of(serviceAccount).acknowledgeWarning(\'cdk-irsa:existingRoleTrust\')). ' +
      '[ack: cdk-irsa:existingRoleTrust]']);
  });

  test('EKS Pod Identity: the association names the role, and the warning prints the session-tag trust', () => {
    // GIVEN
    const stack = testStack();
    const irsa = new IrsaCluster(stack, 'Irsa', { clusterName: 'shop', createOidcProvider: false });

    // WHEN
    const sa = irsa.addServiceAccountRole('Orders', {
      namespace: 'shop', name: 'orders', identity: ServiceAccountIdentity.POD_IDENTITY, role: iam.Role.fromRoleArn(stack, 'Reader', ROLE_ARN),
    });

    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::Role', 0);
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { Namespace: 'shop', ServiceAccount: 'orders', RoleArn: ROLE_ARN });
    expect(sa.serviceAccountAnnotations).toEqual({});
    const [warning] = warningsOf(stack);
    const statements = JSON.parse(/credentials: (\[.*\])\. Once/.exec(warning)![1]);
    expect(statements).toEqual([{
      Action: ['sts:AssumeRole', 'sts:TagSession'],
      Condition: {
        StringEquals: {
          'aws:RequestTag/eks-cluster-arn': `arn:aws:eks:eu-west-2:${ACCOUNT}:cluster/shop`,
          'aws:RequestTag/kubernetes-namespace': 'shop',
          'aws:RequestTag/kubernetes-service-account': 'orders',
        },
      },
      Effect: 'Allow',
      Principal: { Service: 'pods.eks.amazonaws.com' },
    }]);
  });

  test('a role of another stack of the app: named by its literal ARN (no cross-stack reference), no stack dependency, and audited', () => {
    // GIVEN
    const app = testApp();
    const clusterStack = new Stack(app, 'ClusterStack', { env: ENV });
    const teamStack = new Stack(app, 'TeamStack', { env: ENV });
    const irsa = new IrsaCluster(clusterStack, 'Irsa', { issuerUrl: SEED_ISSUER_URL, clusterName: 'shop' });
    // The owner's trust lacks the aud condition: IrsaChecks reports it on the owner's role.
    const role = new iam.Role(teamStack, 'Reader', {
      roleName: 'orders-reader',
      assumedBy: new iam.WebIdentityPrincipal(PROVIDER_ARN, { StringEquals: { [`${SEED_ISSUER}:sub`]: 'system:serviceaccount:shop:orders' } }),
    });

    // WHEN
    const sa = irsa.addServiceAccount('Orders', { namespace: 'shop', name: 'orders', identity: ServiceAccountIdentity.IRSA_AND_POD_IDENTITY, role });

    // THEN
    const arn = `arn:aws:iam::${ACCOUNT}:role/orders-reader`;
    expect(sa.roleArn).toBe(arn);
    const cluster = Template.fromStack(clusterStack);
    cluster.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { RoleArn: arn });
    expect(JSON.stringify(cluster.toJSON())).not.toContain('Fn::ImportValue');
    expect(clusterStack.dependencies).toEqual([]);
    const [warning] = warningsOf(clusterStack);
    expect(warning).toContain('The role is in this app, so IrsaChecks (when applied) audits its trust like any other.');
    expect(JSON.parse(/credentials: (\[.*\])\. The role/.exec(warning)![1]).map((s: any) => s.Action))
      .toEqual(['sts:AssumeRoleWithWebIdentity', ['sts:AssumeRole', 'sts:TagSession']]);
    expect(audit(teamStack).map(f => `${f.path} ${f.message.slice(0, 7)}`)).toEqual(['/TeamStack/Reader/Resource [IRSA2]']);
  });

  test('applied through a cluster: the manifest waits for a role of its own stack only', () => {
    // GIVEN
    const app = testApp();
    const stack = new Stack(app, 'ClusterStack', { env: ENV });
    const other = new Stack(app, 'TeamStack', { env: ENV });
    const cluster = eks.Cluster.fromClusterAttributes(stack, 'Eks', {
      clusterName: 'shop',
      kubectlRoleArn: `arn:aws:iam::${ACCOUNT}:role/kubectl`,
      kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(stack, 'KubectlLayer', `arn:aws:lambda:eu-west-2:${ACCOUNT}:layer:kubectl:1`),
    });
    const irsa = new IrsaCluster(stack, 'Irsa', { issuerUrl: SEED_ISSUER_URL, cluster });
    // The owner's stack reads the provider ARN from the cluster's stack: a dependency of the manifest on it would be a cycle.
    const trust = new iam.WebIdentityPrincipal(irsa.openIdConnectProviderArn);
    const sameStack = new iam.Role(stack, 'Local', { roleName: 'local', assumedBy: trust });
    const otherStack = new iam.Role(other, 'Remote', { roleName: 'remote', assumedBy: trust });

    // WHEN
    irsa.addServiceAccount('A', { namespace: 'shop', name: 'a', role: sameStack });
    irsa.addServiceAccount('B', { namespace: 'shop', name: 'b', role: otherStack });

    // THEN
    const [manifest] = Object.values(Template.fromStack(stack).findResources('Custom::AWSCDK-EKS-KubernetesResource'));
    expect(manifest.DependsOn).toEqual([stack.getLogicalId(sameStack.node.defaultChild as iam.CfnRole)]);
    expect(other.dependencies).toEqual([stack]);
    expect(() => app.synth()).not.toThrow();
  });

  test('a role of the app named only at deploy time cannot be written into a manifest', () => {
    // GIVEN
    const app = testApp();
    const stack = new Stack(app, 'ClusterStack', { env: ENV });
    const irsa = new IrsaCluster(stack, 'Irsa', { issuerUrl: SEED_ISSUER_URL });
    const role = new iam.Role(new Stack(app, 'TeamStack', { env: ENV }), 'Reader', { assumedBy: new iam.AccountRootPrincipal() });

    // WHEN
    irsa.addServiceAccount('Orders', { namespace: 'shop', name: 'orders', role });

    // THEN
    expect(() => app.synth()).toThrow("its role ARN is only known at deploy time because role 'TeamStack/Reader' is named only at deploy " +
      'time (give it a roleName, or import it with iam.Role.fromRoleArn).');
  });

  describe('refuses', () => {
    function setup(env = ENV) {
      const stack = testStack({ env });
      const irsa = new IrsaCluster(stack, 'Irsa', { issuerUrl: SEED_ISSUER_URL, clusterName: 'shop' });
      return { stack, irsa, role: iam.Role.fromRoleArn(stack, 'Reader', ROLE_ARN) };
    }

    test('role options, which shape a role cdk-irsa does not create', () => {
      const { irsa, role } = setup();
      expect(() => irsa.addServiceAccountRole('Orders', { name: 'orders', role, roleName: 'x', managedPolicies: [] })).toThrow(
        "IrsaServiceAccountRole 'Stack/Irsa/Orders': roleName, managedPolicies are set, but role names an existing role, whose settings and " +
        'permissions are its owner\'s. Leave them out, or leave role out for a role cdk-irsa creates.');
    });

    test('a target role, and says how to reach a role of another account', () => {
      const { stack, irsa, role } = setup();
      const targetRole = iam.Role.fromRoleArn(stack, 'Target', 'arn:aws:iam::222222222222:role/data');
      expect(() => irsa.addServiceAccountRole('Orders', { name: 'orders', role, identity: ServiceAccountIdentity.POD_IDENTITY, targetRole }))
        .toThrow("IrsaServiceAccountRole 'Stack/Irsa/Orders': targetRole is set, but role names an existing role, whose settings and " +
          'permissions are its owner\'s. Leave it out, or leave role out for a role cdk-irsa creates. To reach a role of another account ' +
          'through EKS Pod Identity, pass that role as targetRole and leave role out: cdk-irsa then creates the role in the cluster\'s ' +
          'account that assumes it.');
    });

    test('trust() and trustAllServiceAccountsInNamespace(), whose trust is the owner\'s', () => {
      const { irsa, role } = setup();
      const sa = irsa.addServiceAccountRole('Orders', { name: 'orders', role });
      const message = "IrsaServiceAccountRole 'Stack/Irsa/Orders': trust() cannot change the trust of an existing role (role is set), which " +
        'is its owner\'s. Ask the owner to trust the other ServiceAccount too, and give that ServiceAccount its own IrsaServiceAccount (or ' +
        'IrsaServiceAccountRole) with the same role.';
      expect(() => sa.trust(irsa, { name: 'other' })).toThrow(message);
      expect(() => sa.trustAllServiceAccountsInNamespace(irsa, 'shop')).toThrow(message.replace('trust()', 'trustAllServiceAccountsInNamespace()'));
    });

    test('the role of another cdk-irsa ServiceAccount, whose trust() is the way', () => {
      const { irsa } = setup();
      const first = irsa.addServiceAccountRole('First', { name: 'first' });
      expect(() => irsa.addServiceAccountRole('Second', { namespace: 'shop', name: 'second', role: first.role })).toThrow(
        `IrsaServiceAccountRole 'Stack/Irsa/Second': role "${first.roleArn}" is the role of 'Stack/Irsa/First', which writes its own trust. Call its ` +
        'trust(cluster, { namespace: "shop", name: "second" }) instead, and leave role out here.');
    });

    test('a PodIdentityTargetRole, which is reached through a role of the cluster\'s account', () => {
      const { stack, irsa } = setup();
      const target = new PodIdentityTargetRole(stack, 'Target', { roleName: 'target' });
      expect(() => irsa.addServiceAccountRole('Orders', { name: 'orders', identity: ServiceAccountIdentity.POD_IDENTITY, role: target.role }))
        .toThrow(`IrsaServiceAccountRole 'Stack/Irsa/Orders': role "arn:aws:iam::${ACCOUNT}:role/target" is a PodIdentityTargetRole, which EKS ` +
          'Pod Identity reaches through a role of the cluster\'s account. Pass it as targetRole (with identity POD_IDENTITY) instead of role.');
    });

    test('an EKS Pod Identity role in another account than the cluster\'s', () => {
      const { stack, irsa } = setup();
      const role = iam.Role.fromRoleArn(stack, 'Data', 'arn:aws:iam::222222222222:role/data');
      expect(() => irsa.addServiceAccountRole('Orders', { name: 'orders', identity: ServiceAccountIdentity.POD_IDENTITY, role })).toThrow(
        "IrsaServiceAccountRole 'Stack/Irsa/Orders': role \"arn:aws:iam::222222222222:role/data\" is in account 222222222222, but EKS Pod " +
        `Identity assumes only a role of the cluster's account (${ACCOUNT}). Pass it as targetRole instead: cdk-irsa then creates the ` +
        `association's role in ${ACCOUNT}, and that role assumes yours.`);
    });

    test('an IRSA role in another account than the OIDC provider\'s', () => {
      const { stack, irsa } = setup();
      const role = iam.Role.fromRoleArn(stack, 'Data', 'arn:aws:iam::222222222222:role/data');
      expect(() => irsa.addServiceAccountRole('Orders', { name: 'orders', role })).toThrow(
        "IrsaServiceAccountRole 'Stack/Irsa/Orders': role \"arn:aws:iam::222222222222:role/data\" is in account 222222222222, but the OIDC " +
        `provider of 'Stack/Irsa' is in ${ACCOUNT}, and an IRSA role trusts only a provider of its own account. Give this ServiceAccount ` +
        "an IrsaCluster in 222222222222 built from the cluster's issuer (issuerUrl), which creates the provider there.");
    });

    test('a role of another partition', () => {
      const { stack, irsa } = setup();
      const role = iam.Role.fromRoleArn(stack, 'China', `arn:aws-cn:iam::${ACCOUNT}:role/data`);
      expect(() => irsa.addServiceAccountRole('Orders', { name: 'orders', role })).toThrow(
        `IrsaServiceAccountRole 'Stack/Irsa/Orders': role "arn:aws-cn:iam::${ACCOUNT}:role/data" is in partition aws-cn, but the cluster is in ` +
        'aws: no role of another partition trusts its ServiceAccounts. Use a role in aws.');
    });
  });
});
