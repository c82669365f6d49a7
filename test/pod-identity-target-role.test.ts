import { Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IrsaChecks, IrsaCluster, PodIdentityTargetRole, ServiceAccountIdentity } from '../src';
import { testApp } from './support/app';
import { audit } from './support/trust-audit';

/* PodIdentityTargetRole: the role EKS Pod Identity assumes second, in the same stack, environment or another account. */

const CLUSTER_ENV = { account: '111111111111', region: 'eu-west-1' };
const DATA_ENV = { account: '222222222222', region: 'eu-west-1' };
const CLUSTER_ARN = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':eks:eu-west-1:111111111111:cluster/shop']] };
const TAG_PINS = {
  'aws:RequestTag/eks-cluster-arn': CLUSTER_ARN,
  'aws:RequestTag/kubernetes-namespace': 'shop',
  'aws:RequestTag/kubernetes-service-account': 'orders',
};

/** A cluster stack, a stack for the target (`targetEnv`, or the cluster stack itself), and one Pod Identity ServiceAccount. */
function layout(targetEnv: typeof DATA_ENV | 'same stack' | undefined, options: { disableSessionTags?: boolean; clusterEnv?: typeof CLUSTER_ENV } = {}) {
  const app = testApp();
  const clusterStack = new Stack(app, 'ClusterStack', 'clusterEnv' in options ? { env: options.clusterEnv } : { env: CLUSTER_ENV });
  const targetStack = targetEnv === 'same stack' ? clusterStack : new Stack(app, 'DataStack', { env: targetEnv });
  const irsa = new IrsaCluster(clusterStack, 'Irsa', { clusterName: 'shop', createOidcProvider: false });
  const reader = new PodIdentityTargetRole(targetStack, 'OrdersReader');
  const orders = irsa.addServiceAccountRole('Orders', {
    namespace: 'shop',
    name: 'orders',
    identity: ServiceAccountIdentity.POD_IDENTITY,
    targetRole: reader.role,
    disableSessionTags: options.disableSessionTags,
  });
  return { app, clusterStack, targetStack, irsa, reader, orders };
}

function trustOf(stack: Stack, role: iam.IRole): any {
  return Template.fromStack(stack).toJSON().Resources[stack.getLogicalId(role.node.defaultChild as iam.CfnRole)].Properties.AssumeRolePolicyDocument;
}

describe('PodIdentityTargetRole', () => {
  test('in another account: trusts exactly the association role, pinned by the transitive session tags, and takes the grants', () => {
    // GIVEN
    const { clusterStack, targetStack, reader, orders } = layout(DATA_ENV);

    // WHEN
    const bucket = new s3.Bucket(targetStack, 'Orders');
    bucket.grantRead(orders);

    // THEN
    const principal = { AWS: 'arn:aws:iam::111111111111:role/ClusterStack-Irsa-Orders-78DC6636' };
    expect(trustOf(targetStack, reader.role).Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: principal, Condition: { StringEquals: TAG_PINS } },
      { Action: 'sts:TagSession', Effect: 'Allow', Principal: principal, Condition: { StringEquals: TAG_PINS } },
    ]);
    const cluster = Template.fromStack(clusterStack);
    cluster.hasResourceProperties('AWS::EKS::PodIdentityAssociation', {
      ServiceAccount: 'orders', TargetRoleArn: 'arn:aws:iam::222222222222:role/DataStack-OrdersReader-56975CE5', DisableSessionTags: Match.absent(),
    });
    const policies = Object.values(cluster.findResources('AWS::IAM::Policy'));
    expect(policies.map(p => p.Properties.PolicyDocument.Statement)).toEqual([[{
      Action: ['sts:AssumeRole', 'sts:TagSession'], Effect: 'Allow', Resource: 'arn:aws:iam::222222222222:role/DataStack-OrdersReader-56975CE5',
    }]]);
    const data = Template.fromStack(targetStack);
    data.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: targetStack.getLogicalId(reader.role.node.defaultChild as iam.CfnRole) }],
      PolicyDocument: { Statement: [Match.objectLike({ Action: ['s3:GetObject*', 's3:GetBucket*', 's3:List*'] })] },
    });
    expect(JSON.stringify([cluster.toJSON(), data.toJSON()])).not.toMatch(/Fn::ImportValue|:root/);
    expect(orders.grantPrincipal).toBe(reader.role);
    expect(reader.roleArn).toBe('arn:aws:iam::222222222222:role/DataStack-OrdersReader-56975CE5');
  });

  test('in the same stack: also requires the association\'s ExternalId, and the association names the target without a reference', () => {
    // GIVEN
    const { clusterStack, reader, orders } = layout('same stack');

    // THEN
    const association = clusterStack.getLogicalId(orders.podIdentityAssociation()!);
    const statements = trustOf(clusterStack, reader.role).Statement;
    expect(statements[0].Condition).toEqual({ StringEquals: { ...TAG_PINS, 'sts:ExternalId': { 'Fn::GetAtt': [association, 'ExternalId'] } } });
    expect(statements[1].Condition).toEqual({ StringEquals: TAG_PINS });
    const targetArn = Template.fromStack(clusterStack).toJSON().Resources[association].Properties.TargetRoleArn;
    expect(targetArn).toBe('arn:aws:iam::111111111111:role/ClusterStack-OrdersReader-B8E26812');
  });

  test('in another stack of the same environment: the ExternalId crosses by an export, and only the target\'s stack depends on the other', () => {
    // GIVEN
    const { clusterStack, targetStack, reader, orders } = layout(CLUSTER_ENV);

    // THEN
    const externalId = trustOf(targetStack, reader.role).Statement[0].Condition.StringEquals['sts:ExternalId'];
    expect(externalId).toEqual({ 'Fn::ImportValue': expect.stringContaining('ExternalId') });
    expect(targetStack.dependencies).toEqual([clusterStack]);
    expect(clusterStack.dependencies).toEqual([]);
    expect(orders.podIdentityAssociation()!.targetRoleArn).toBe('arn:aws:iam::111111111111:role/DataStack-OrdersReader-56975CE5');
  });

  test('in two environment-agnostic stacks: the association builds the target ARN from its own pseudo parameters, so no cycle', () => {
    // GIVEN
    const { app, clusterStack, targetStack, orders } = layout(undefined, { clusterEnv: undefined });

    // WHEN
    app.synth();

    // THEN
    const association = Template.fromStack(clusterStack).toJSON().Resources[clusterStack.getLogicalId(orders.podIdentityAssociation()!)];
    expect(association.Properties.TargetRoleArn).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':role/DataStack-OrdersReader-57320F1A']],
    });
    expect(targetStack.dependencies).toEqual([clusterStack]);
    expect(clusterStack.dependencies).toEqual([]);
  });

  test('with disableSessionTags: the target requires the ExternalId alone, and the association role\'s bare trust is reported as acknowledged', () => {
    // GIVEN
    const { app, clusterStack, reader, orders } = layout('same stack', { disableSessionTags: true });

    // WHEN
    Aspects.of(app).add(new IrsaChecks());

    // THEN
    const template = Template.fromStack(clusterStack);
    const trust = (role: iam.IRole) => template.toJSON().Resources[clusterStack.getLogicalId(role.node.defaultChild as iam.CfnRole)]
      .Properties.AssumeRolePolicyDocument.Statement;
    const association = clusterStack.getLogicalId(orders.podIdentityAssociation()!);
    const principal = { AWS: orders.roleArn };
    expect(trust(reader.role)).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: principal, Condition: { StringEquals: { 'sts:ExternalId': { 'Fn::GetAtt': [association, 'ExternalId'] } } } },
      { Action: 'sts:TagSession', Effect: 'Allow', Principal: principal },
    ]);
    expect(trust(orders.role)).toEqual([
      { Action: ['sts:AssumeRole', 'sts:TagSession'], Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' } },
    ]);
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { DisableSessionTags: true });
    const annotations = Annotations.fromStack(clusterStack);
    annotations.hasNoError('*', Match.anyValue());
    for (const rule of ['IRSA11', 'IRSA12']) {
      annotations.hasInfo('/ClusterStack/Irsa/Orders/Resource/Resource', Match.stringLikeRegexp(`^\\[${rule}\\] .*\\(acknowledged at ` +
        "'ClusterStack/Irsa/Orders/Resource': disableSessionTags: nothing EKS Pod Identity sends names the ServiceAccount; the role may only " +
        'assume its target role arn:aws:iam::111111111111:role/ClusterStack-OrdersReader-B8E26812, whose trust requires the association\'s ' +
        'ExternalId\\)$'));
    }
  });

  test('refuses disableSessionTags when the target is in another environment, where the ExternalId cannot reach its trust', () => {
    expect(() => layout(DATA_ENV, { disableSessionTags: true })).toThrow(new Error("IrsaServiceAccountRole 'ClusterStack/Irsa/Orders': " +
      "disableSessionTags is set, so only the association's ExternalId can pin the trust of PodIdentityTargetRole 'DataStack/OrdersReader', " +
      "but its stack is in another environment than the association's, where CloudFormation cannot pass the ExternalId. Keep session tags " +
      '(leave disableSessionTags out), or put the target role in the environment of the cluster.'));
  });

  test('gets one pair of statements per association when the ServiceAccount role trusts more ServiceAccounts', () => {
    // GIVEN
    const { targetStack, irsa, reader, orders } = layout(DATA_ENV);

    // WHEN
    orders.trust(irsa, { name: 'orders-batch' });

    // THEN
    const statements = trustOf(targetStack, reader.role).Statement;
    expect(statements.map((s: any) => [s.Action, s.Condition.StringEquals['aws:RequestTag/kubernetes-service-account']])).toEqual([
      ['sts:AssumeRole', 'orders'], ['sts:TagSession', 'orders'], ['sts:AssumeRole', 'orders-batch'], ['sts:TagSession', 'orders-batch'],
    ]);
    expect(orders.podIdentityAssociation('shop', 'orders-batch')!.targetRoleArn).toBe(reader.roleArn);
  });

  test.each([['another account', DATA_ENV], ['the same environment', CLUSTER_ENV], ['the same stack', 'same stack' as const]])(
    'leaves IrsaChecks nothing to report with the target in %s, grants included', (_, targetEnv) => {
      // GIVEN
      const { clusterStack, targetStack, orders } = layout(targetEnv);
      new s3.Bucket(targetStack, 'Orders').grantRead(orders);

      // WHEN
      const reported = [clusterStack, targetStack].flatMap(stack => audit(stack));

      // THEN
      expect(reported).toEqual([]);
    });

  test('fails synthesis when no ServiceAccount role names it', () => {
    // GIVEN
    const app = testApp();
    new PodIdentityTargetRole(new Stack(app, 'DataStack', { env: DATA_ENV }), 'Unused');

    // THEN
    expect(() => app.synth()).toThrow("PodIdentityTargetRole 'DataStack/Unused' is the targetRole of no ServiceAccount role, so nothing can " +
      'assume it. Name it as the targetRole of an EKS Pod Identity ServiceAccount (addServiceAccount or addServiceAccountRole), or remove it.');
  });

  test('refuses a token role name, which the association could only reach through a reference its trust cycles back to', () => {
    const stack = new Stack(testApp(), 'DataStack', { env: DATA_ENV });
    const name = new s3.Bucket(stack, 'B').bucketName;
    expect(() => new PodIdentityTargetRole(stack, 'Named', { roleName: name })).toThrow(new Error("PodIdentityTargetRole 'DataStack/Named': " +
      'roleName or path is a token, but associations name a target role by its ARN before CloudFormation creates it, and the role\'s trust ' +
      'references them. Use literal values, or leave them out for a name derived from the construct path.'));
  });

  test('checks its role options like the ServiceAccount roles do', () => {
    const stack = new Stack(testApp(), 'DataStack', { env: DATA_ENV });
    expect(() => new PodIdentityTargetRole(stack, 'Bad', { roleName: 'has space' })).toThrow(new Error("PodIdentityTargetRole 'DataStack/Bad': " +
      'roleName "has space" is not a valid IAM role name. Use 1-64 characters from letters, digits and "+=,.@_-", or leave roleName out to ' +
      'get a generated one.'));
  });
});
