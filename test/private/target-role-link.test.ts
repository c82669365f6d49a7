import { Stack } from 'aws-cdk-lib';
import { Annotations, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IrsaAddon, IrsaCluster, PodIdentityTargetRole, ServiceAccountIdentity } from '../../src';
import { SEED_ISSUER_URL, testApp } from '../support/app';

/* How a ServiceAccount role reaches its target role: the options it takes, what it refuses, and the trust it prints. */

const CLUSTER_ENV = { account: '111111111111', region: 'eu-west-1' };
const POD_IDENTITY = ServiceAccountIdentity.POD_IDENTITY;

function clusterStack(env = CLUSTER_ENV) {
  const stack = new Stack(testApp(), 'ClusterStack', { env });
  return { stack, irsa: new IrsaCluster(stack, 'Irsa', { clusterName: 'shop', issuerUrl: SEED_ISSUER_URL }) };
}

function policyOf(...statements: iam.PolicyStatement[]) {
  return new iam.PolicyDocument({ statements });
}

describe('Pod Identity target roles of a ServiceAccount role', () => {
  test('prints the statements the owner of a role cdk-irsa does not own must add, and still wires the association', () => {
    // GIVEN
    const { stack, irsa } = clusterStack();
    const imported = iam.Role.fromRoleArn(stack, 'Theirs', 'arn:aws:iam::222222222222:role/data-reader');

    // WHEN
    const orders = irsa.addServiceAccountRole('Orders', { namespace: 'shop', name: 'orders', identity: POD_IDENTITY, targetRole: imported });

    // THEN
    expect(orders.podIdentityAssociation()!.targetRoleArn).toBe('arn:aws:iam::222222222222:role/data-reader');
    const principal = { AWS: 'arn:aws:iam::111111111111:role/ClusterStack-Irsa-Orders-78DC6636' };
    const pins = {
      StringEquals: {
        'aws:RequestTag/eks-cluster-arn': '<the cluster\'s ARN>',
        'aws:RequestTag/kubernetes-namespace': 'shop',
        'aws:RequestTag/kubernetes-service-account': 'orders',
      },
    };
    const statements = [
      { Action: 'sts:AssumeRole', Condition: pins, Effect: 'Allow', Principal: principal },
      { Action: 'sts:TagSession', Condition: pins, Effect: 'Allow', Principal: principal },
    ];
    Annotations.fromStack(stack).hasWarning('/ClusterStack/Irsa/Orders', 'targetRole "arn:aws:iam::222222222222:role/data-reader" is ' +
      'not a PodIdentityTargetRole, so cdk-irsa cannot write its trust. Its owner must add these statements, or no pod of shop/orders gets ' +
      `credentials: ${JSON.stringify(statements)}. After the first deploy, also require "sts:ExternalId" in the sts:AssumeRole statement, equal ` +
      "to the association's ExternalId (its CloudFormation attribute ExternalId, or aws eks describe-pod-identity-association), which pins " +
      'exactly this association. [ack: cdk-irsa:targetRoleTrust]');
  });

  test('also takes a both-mode role: IRSA pods keep the web-identity trust, the association names the target', () => {
    // GIVEN
    const { stack, irsa } = clusterStack();
    const reader = new PodIdentityTargetRole(stack, 'Reader');

    // WHEN
    const orders = irsa.addServiceAccountRole('Orders', {
      namespace: 'shop', name: 'orders', identity: ServiceAccountIdentity.IRSA_AND_POD_IDENTITY, targetRole: reader.role,
    });

    // THEN
    const trust = Template.fromStack(stack).toJSON().Resources[stack.getLogicalId(orders.role.node.defaultChild as iam.CfnRole)]
      .Properties.AssumeRolePolicyDocument.Statement;
    expect(trust.map((s: any) => s.Action)).toEqual(['sts:AssumeRoleWithWebIdentity', ['sts:AssumeRole', 'sts:TagSession']]);
    expect(orders.podIdentityAssociation()!.targetRoleArn).toBe(reader.roleArn);
    expect(orders.serviceAccountAnnotations['eks.amazonaws.com/role-arn']).toBe(orders.roleArn);
  });

  test('puts a session policy on the association, as EKS takes it: a JSON string, with session tags disabled', () => {
    // GIVEN
    const { stack, irsa } = clusterStack();
    const reader = new PodIdentityTargetRole(stack, 'Reader');

    // WHEN
    const orders = irsa.addServiceAccountRole('Orders', {
      namespace: 'shop',
      name: 'orders',
      identity: POD_IDENTITY,
      targetRole: reader.role,
      disableSessionTags: true,
      sessionPolicy: policyOf(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::orders/eu/*'] })),
    });

    // THEN
    const association = stack.resolve(orders.podIdentityAssociation()!._toCloudFormation()).Resources;
    expect(Object.values(association).map((r: any) => [r.Properties.DisableSessionTags, JSON.parse(r.Properties.Policy)])).toEqual([[true, {
      Version: '2012-10-17', Statement: [{ Action: 's3:GetObject', Effect: 'Allow', Resource: 'arn:aws:s3:::orders/eu/*' }],
    }]]);
  });

  describe('refuses', () => {
    const path = "IrsaServiceAccountRole 'ClusterStack/Irsa/Orders': ";

    test('the Pod Identity options on an IRSA role, which would ignore them', () => {
      const { stack, irsa } = clusterStack();
      const reader = new PodIdentityTargetRole(stack, 'Reader');
      expect(() => irsa.addServiceAccountRole('Orders', { namespace: 'shop', name: 'orders', targetRole: reader.role, disableSessionTags: true }))
        .toThrow(new Error(`${path}targetRole, disableSessionTags are set, but only EKS Pod Identity reads them, and identity is IRSA. ` +
          'Leave them out, or use POD_IDENTITY (or IRSA_AND_POD_IDENTITY while moving).'));
    });

    test('disableSessionTags or a session policy without a target role, which would leave the trust unpinned', () => {
      const { irsa } = clusterStack();
      const end = "so this role's trust could not be pinned to it and any association in the account could use the role. Name a targetRole " +
        "(a PodIdentityTargetRole, whose trust requires the association's ExternalId), or leave";
      expect(() => irsa.addServiceAccountRole('Orders', { namespace: 'shop', name: 'orders', identity: POD_IDENTITY, disableSessionTags: true }))
        .toThrow(new Error(`${path}disableSessionTags is set: without session tags nothing in EKS Pod Identity's request names the ` +
          `ServiceAccount, ${end} disableSessionTags out.`));
      const sessionPolicy = policyOf(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));
      expect(() => clusterStack().irsa.addServiceAccountRole('Orders', { namespace: 'shop', name: 'orders', identity: POD_IDENTITY, sessionPolicy }))
        .toThrow(new Error(`${path}sessionPolicy is set, which EKS takes only with disableSessionTags, and without session tags nothing in ` +
          `EKS Pod Identity's request names the ServiceAccount, ${end} sessionPolicy out.`));
    });

    test('a session policy with session tags, which EKS rejects', () => {
      const { stack, irsa } = clusterStack();
      const reader = new PodIdentityTargetRole(stack, 'Reader');
      const sessionPolicy = policyOf(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));
      expect(() => irsa.addServiceAccountRole('Orders', { namespace: 'shop', name: 'orders', identity: POD_IDENTITY, targetRole: reader.role, sessionPolicy }))
        .toThrow(new Error(`${path}sessionPolicy is set, but EKS takes an association's Policy only with DisableSessionTags. Set ` +
          "disableSessionTags: true (the target role's trust is then pinned by the association's ExternalId), or leave sessionPolicy out."));
    });

    test('a session policy over STS\'s 2048 characters, an empty one, and one without resources', () => {
      const { stack, irsa } = clusterStack();
      const reader = new PodIdentityTargetRole(stack, 'Reader');
      const withPolicy = (id: string, sessionPolicy: iam.PolicyDocument) => () => irsa.addServiceAccountRole(id, {
        namespace: 'shop', name: id.toLowerCase(), identity: POD_IDENTITY, targetRole: reader.role, disableSessionTags: true, sessionPolicy,
      });
      const resources = Array.from({ length: 60 }, (_, i) => `arn:aws:s3:::orders-bucket-${i}/*`);
      const large = policyOf(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources }));
      const size = JSON.stringify(stack.resolve(large.toJSON())).length;
      expect(size).toBeGreaterThan(2048);
      expect(withPolicy('Large', large)).toThrow(new Error(`IrsaServiceAccountRole 'ClusterStack/Irsa/Large': sessionPolicy is ${size} ` +
        'characters without whitespace; STS takes a session policy of at most 2048, so no pod would get credentials. Narrow it with fewer ' +
        'statements or wildcards in resource names, or grant the difference on the target role.'));
      expect(withPolicy('Empty', new iam.PolicyDocument())).toThrow(new Error("IrsaServiceAccountRole 'ClusterStack/Irsa/Empty': " +
        'sessionPolicy has no statements, and a session policy without statements denies everything. Add statements, or leave ' +
        'sessionPolicy out.'));
      expect(withPolicy('NoResource', policyOf(new iam.PolicyStatement({ actions: ['s3:GetObject'] })))).toThrow(new Error(
        "IrsaServiceAccountRole 'ClusterStack/Irsa/NoResource': sessionPolicy: A PolicyStatement used in an identity-based policy must " +
        'specify at least one resource.'));
    });

    test('the role itself as its target, and a target in another partition', () => {
      const { stack, irsa } = clusterStack();
      const itself = iam.Role.fromRoleArn(stack, 'Itself', 'arn:aws:iam::111111111111:role/ClusterStack-Irsa-Orders-78DC6636');
      expect(() => irsa.addServiceAccountRole('Orders', { namespace: 'shop', name: 'orders', identity: POD_IDENTITY, targetRole: itself }))
        .toThrow(new Error(`${path}targetRole "arn:aws:iam::111111111111:role/ClusterStack-Irsa-Orders-78DC6636" is this ServiceAccount's own ` +
          'role, which EKS Pod Identity would assume twice. Leave targetRole out, or name the role in the account of the resources.'));
      const other = clusterStack();
      const china = iam.Role.fromRoleArn(other.stack, 'China', 'arn:aws-cn:iam::222222222222:role/reader');
      expect(() => other.irsa.addServiceAccountRole('Orders', { namespace: 'shop', name: 'orders', identity: POD_IDENTITY, targetRole: china }))
        .toThrow(new Error(`${path}targetRole "arn:aws-cn:iam::222222222222:role/reader" is in partition aws-cn, but the cluster's role is in ` +
          'aws: IAM roles trust no role of another partition. Name a target role in aws.'));
    });

    test('a target role for an add-on, whose policy stays on its own role', () => {
      const { stack, irsa } = clusterStack();
      const reader = new PodIdentityTargetRole(stack, 'Reader');
      expect(() => irsa.addAddonRole('Ebs', IrsaAddon.ebsCsiDriver(), { identity: POD_IDENTITY, targetRole: reader.role }))
        .toThrow(new Error("IrsaAddonRole 'ClusterStack/Irsa/Ebs': targetRole is set, but aws-ebs-csi-driver acts on the resources of " +
          "the cluster's account with the policy this role carries, which a target role would leave unused. Leave targetRole out; for " +
          'resources in another account, make an IrsaServiceAccountRole with the targetRole and grant the target what the add-on needs.'));
    });
  });
});
