import * as fs from 'fs';
import { App, Aspects, CfnParameter, CfnResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cdk8s from 'cdk8s';
import { IrsaAddon, IrsaChecks, IrsaCluster, IrsaServiceAccount, PodIdentityTargetRole, ServiceAccountIdentity } from '../src';
import { SEED_ISSUER_URL, testStack } from './support/app';

/*
 * The construct path of a role or provider decides its logical ID, and (by default) the role's name. If either
 * changed, `cdk deploy` would replace the resource: pods would lose the role they assume until the manifest caught
 * up, and a replaced provider would break every role that trusts it. These tests pin both, and show that growing an
 * app through the public API never renames what is already deployed.
 */

interface Identity {
  readonly logicalId: string;
  readonly roleName?: string;
}

/** The logical ID (and role name) of every role and OIDC provider, by construct path. */
function identities(stack: Stack): Record<string, Identity> {
  const resources = Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string; Properties: { RoleName?: string } }>;
  const identified: Record<string, Identity> = {};
  for (const construct of stack.node.findAll().filter(CfnResource.isCfnResource)) {
    const logicalId: string = stack.resolve(construct.logicalId);
    const { Type: type, Properties: properties } = resources[logicalId];
    if (type === 'AWS::IAM::Role') identified[construct.node.path] = { logicalId, roleName: properties.RoleName };
    if (type === 'AWS::IAM::OIDCProvider') identified[construct.node.path] = { logicalId };
  }
  return identified;
}

/** The app of the README: a provider, a ServiceAccount from addServiceAccount and one from its constructor. */
function readmeApp(stack: Stack, issuerUrl: string = SEED_ISSUER_URL) {
  const irsa = new IrsaCluster(stack, 'Irsa', { issuerUrl });
  const canDoStuff = irsa.addServiceAccount('CanDoStuff', { namespace: 'testing', name: 'can-do-stuff-on-aws' });
  const orders = new IrsaServiceAccount(stack, 'Orders', { cluster: irsa, namespace: 'shop', name: 'orders' });
  return { irsa, canDoStuff, orders };
}

const README_APP: Record<string, Identity> = {
  'Stack/Irsa/Resource': { logicalId: 'IrsaAC15A16C' },
  'Stack/Irsa/CanDoStuff/Resource/Resource': { logicalId: 'IrsaCanDoStuff4E666640', roleName: 'Stack-Irsa-CanDoStuff-BC9DF32D' },
  'Stack/Orders/Resource/Resource': { logicalId: 'Orders2A43276C', roleName: 'Stack-Orders-88B45160' },
};

describe('identities of deployed resources', () => {
  test('are these literals for the README app', () => {
    // GIVEN
    const stack = testStack();

    // WHEN
    readmeApp(stack);

    // THEN
    expect(identities(stack)).toEqual(README_APP);
  });

  test('do not depend on whether the issuer is a literal or a token', () => {
    const stack = testStack();
    readmeApp(stack, new CfnParameter(stack, 'IssuerUrl').valueAsString);
    expect(identities(stack)).toEqual(README_APP);
  });

  test('do not change when ServiceAccounts, clusters, trust, grants and the audit are added', () => {
    // GIVEN
    const stack = testStack();
    const green = new IrsaCluster(stack, 'Green', { issuerUrl: `${SEED_ISSUER_URL}0` });
    const early = new IrsaCluster(stack, 'Early', { issuerUrl: `${SEED_ISSUER_URL}1` }).addServiceAccount('First', { namespace: 'a', name: 'first' });

    // WHEN
    const { irsa, canDoStuff, orders } = readmeApp(stack);
    irsa.addServiceAccount('Later', { namespace: 'testing', name: 'later' });
    canDoStuff.trust(green);
    canDoStuff.trust(irsa, { name: 'reporting' });
    orders.trustAllServiceAccountsInNamespace(green, 'shop');
    new s3.Bucket(stack, 'Bucket').grantRead(canDoStuff);
    orders.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: ['*'] }));
    Aspects.of(stack).add(new IrsaChecks());

    // THEN
    const grown = identities(stack);
    expect(grown).toMatchObject(README_APP);
    expect(Object.keys(grown)).toEqual(expect.arrayContaining([
      'Stack/Green/Resource', 'Stack/Early/First/Resource/Resource', 'Stack/Irsa/Later/Resource/Resource',
    ]));
    expect(early.roleArn).toBe(`arn:aws:iam::123456789012:role/${grown['Stack/Early/First/Resource/Resource'].roleName}`);
  });

  test('give each ServiceAccount its own role name, also across apps that differ only in region', () => {
    const names = ['eu-west-2', 'us-east-1'].map(region => {
      const stack = testStack({ env: { account: '123456789012', region } });
      readmeApp(stack);
      return Object.values(identities(stack)).map(i => i.roleName).filter(Boolean);
    });
    expect(new Set(names.flat()).size).toBe(4);
  });

  test('are these literals for roles without a manifest and add-on roles, whose own policy keeps its ID', () => {
    // GIVEN
    const stack = testStack();
    const irsa = new IrsaCluster(stack, 'Irsa', { issuerUrl: SEED_ISSUER_URL });

    // WHEN
    irsa.addServiceAccountRole('Agent', { namespace: 'monitoring', name: 'agent' });
    const s3Csi = irsa.addAddonRole('S3Csi', IrsaAddon.mountpointS3Csi({ buckets: [s3.Bucket.fromBucketName(stack, 'Data', 'prod-data')] }));
    new s3.Bucket(stack, 'Bucket').grantRead(s3Csi);

    // THEN
    expect(identities(stack)).toEqual({
      'Stack/Irsa/Resource': { logicalId: 'IrsaAC15A16C' },
      'Stack/Irsa/Agent/Resource/Resource': { logicalId: 'IrsaAgent9FA8BC1E', roleName: 'Stack-Irsa-Agent-884E3F31' },
      'Stack/Irsa/S3Csi/Resource/Resource': { logicalId: 'IrsaS3Csi2F4C2340', roleName: 'Stack-Irsa-S3Csi-C0982C70' },
    });
    expect(stack.resolve((s3Csi.node.findChild('AddonPolicy').node.defaultChild as iam.CfnPolicy).logicalId)).toBe('IrsaS3CsiAddonPolicyD68AEEEE');
  });

  test('do not change while a ServiceAccount moves from IRSA to EKS Pod Identity', () => {
    const identitiesWith = (identity: ServiceAccountIdentity) => {
      const stack = testStack();
      const irsa = new IrsaCluster(stack, 'Irsa', { issuerUrl: SEED_ISSUER_URL, clusterName: 'prod' });
      irsa.addServiceAccount('CanDoStuff', { namespace: 'testing', name: 'can-do-stuff-on-aws', identity });
      return identities(stack);
    };
    const irsa = identitiesWith(ServiceAccountIdentity.IRSA);
    expect(irsa['Stack/Irsa/CanDoStuff/Resource/Resource']).toEqual(README_APP['Stack/Irsa/CanDoStuff/Resource/Resource']);
    expect(identitiesWith(ServiceAccountIdentity.IRSA_AND_POD_IDENTITY)).toEqual(irsa);
    expect(identitiesWith(ServiceAccountIdentity.POD_IDENTITY)).toEqual(irsa);
  });

  test('are these literals for a target role, and neither role moves when the target, session tags or a session policy are added', () => {
    const identitiesWith = (options: { target?: boolean; disableSessionTags?: boolean; sessionPolicy?: boolean }) => {
      const stack = testStack();
      const irsa = new IrsaCluster(stack, 'Irsa', { clusterName: 'prod', createOidcProvider: false });
      const reader = options.target ? new PodIdentityTargetRole(stack, 'OrdersReader') : undefined;
      const sessionPolicy = options.sessionPolicy
        ? new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::orders/*'] })] })
        : undefined;
      const orders = irsa.addServiceAccount('Orders', {
        namespace: 'shop',
        name: 'orders',
        identity: ServiceAccountIdentity.POD_IDENTITY,
        targetRole: reader?.role,
        disableSessionTags: options.disableSessionTags,
        sessionPolicy,
      });
      return { roles: identities(stack), association: stack.resolve(orders.podIdentityAssociation()!.logicalId) };
    };
    const target = identitiesWith({ target: true });
    expect(target).toEqual({
      roles: {
        'Stack/OrdersReader/Resource/Resource': { logicalId: 'OrdersReader4943F30A', roleName: 'Stack-OrdersReader-E3472899' },
        'Stack/Irsa/Orders/Resource/Resource': { logicalId: 'IrsaOrders72F833A2', roleName: 'Stack-Irsa-Orders-356831D4' },
      },
      association: 'IrsaOrdersPodIdentityAssociationFAEEDC83',
    });
    expect(identitiesWith({ target: true, disableSessionTags: true, sessionPolicy: true })).toEqual(target);
    const without = identitiesWith({});
    expect(without.association).toBe(target.association);
    expect(without.roles['Stack/Irsa/Orders/Resource/Resource']).toEqual(target.roles['Stack/Irsa/Orders/Resource/Resource']);
  });
});

/** The logical ID of every manifest a kubectl cluster applies, by construct path, and the manifest files written. */
function manifests(stack: Stack): { applied: Record<string, string>; files: string[] } {
  const resources = Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string }>;
  const applied: Record<string, string> = {};
  for (const construct of stack.node.findAll().filter(CfnResource.isCfnResource).filter(c => Stack.of(c) === stack)) {
    const logicalId: string = stack.resolve(construct.logicalId);
    if (resources[logicalId].Type === 'Custom::AWSCDK-EKS-KubernetesResource') applied[construct.node.path] = logicalId;
  }
  const directory = (stack.node.root as App).synth().directory;
  return { applied, files: fs.readdirSync(directory).filter(f => f.endsWith('.k8s.yaml')).sort() };
}

/** The README app with a cluster that applies its manifests, and a chart of the user's own. */
function appliedApp(stack: Stack, inDefaultChart = ['CanDoStuff', 'Orders'], inOwnChart = ['Worker']) {
  const cluster = eks.Cluster.fromClusterAttributes(stack, 'Eks', { clusterName: 'prod', kubectlRoleArn: 'arn:aws:iam::123456789012:role/kubectl' });
  const irsa = new IrsaCluster(stack, 'Irsa', { issuerUrl: SEED_ISSUER_URL, cluster });
  for (const id of inDefaultChart) irsa.addServiceAccount(id, { namespace: 'testing', name: id.toLowerCase() });
  const chart = new cdk8s.Chart(new cdk8s.App(), 'workloads');
  for (const id of inOwnChart) irsa.addServiceAccount(id, { namespace: 'jobs', name: id.toLowerCase(), chart });
  return { irsa, chart };
}

const APPLIED_APP = {
  applied: {
    'Stack/Eks.manifests/ServiceAccounts/jobs:worker/Resource/Default': 'EksmanifestsServiceAccountsjobsworkerEF9B78A4',
    'Stack/Eks.manifests/ServiceAccounts/testing:candostuff/Resource/Default': 'EksmanifestsServiceAccountstestingcandostuff2E67F21E',
    'Stack/Eks.manifests/ServiceAccounts/testing:orders/Resource/Default': 'EksmanifestsServiceAccountstestingordersCF958CB8',
  },
  files: ['Stack.Irsa.k8s.yaml', 'Stack.workloads.k8s.yaml'],
};

describe('manifests of ServiceAccounts', () => {
  test('are these files and these manifest resources: the default chart is named after the stack and the cluster', () => {
    // GIVEN
    const stack = testStack();

    // WHEN
    appliedApp(stack);

    // THEN
    expect(manifests(stack)).toEqual(APPLIED_APP);
  });

  test('do not move when the first ServiceAccount of a chart is removed, or ServiceAccounts and charts are added', () => {
    // GIVEN the app without the first ServiceAccount of either chart
    const stack = testStack();
    const { irsa, chart } = appliedApp(stack, ['Orders', 'Later'], ['ChartFirst']);

    // WHEN more of everything is added
    irsa.addServiceAccount('ChartLater', { namespace: 'jobs', name: 'later', chart });
    irsa.addServiceAccount('Other', { namespace: 'other', name: 'other', chart: new cdk8s.Chart(new cdk8s.App(), 'other') });
    new IrsaServiceAccount(stack, 'Outside', { cluster: irsa, namespace: 'testing', name: 'outside' });

    // THEN
    const grown = manifests(stack);
    const orders = 'Stack/Eks.manifests/ServiceAccounts/testing:orders/Resource/Default';
    expect(grown.applied[orders]).toBe(APPLIED_APP.applied[orders]);
    expect(Object.keys(grown.applied)).toHaveLength(6);
    expect(grown.files).toEqual([...APPLIED_APP.files, 'Stack.other.k8s.yaml'].sort());
  });

  test('do not move when a ServiceAccount moves to another chart of the same cluster and stack', () => {
    // GIVEN the app, with jobs/worker in the default chart instead of the user's
    const stack = testStack();
    const { irsa } = appliedApp(stack, ['CanDoStuff', 'Orders'], []);

    // WHEN
    irsa.addServiceAccount('Worker', { namespace: 'jobs', name: 'worker' });

    // THEN
    expect(manifests(stack).applied).toEqual(APPLIED_APP.applied);
  });
});
