import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { IrsaAddon, IrsaAddonRole, IrsaCluster, ServiceAccountIdentity } from '../src';
import { ACCOUNT, SEED_ISSUER, SEED_ISSUER_URL, testStack } from './support/app';
import { audit } from './support/trust-audit';
import { readStacks } from '../src/verify/cloud-assembly';
import { deployedAccountOf } from '../src/verify/deployed-account';
import { WebIdentityCheck } from '../src/verify/web-identity-check';

/** Every preset, with the inputs it needs, and the ServiceAccounts (namespace:name) it must trust. */
const PRESETS: Array<[string, (stack: Stack) => IrsaAddon, string[]]> = [
  ['awsLoadBalancerController', () => IrsaAddon.awsLoadBalancerController({ clusterName: 'prod' }), ['kube-system:aws-load-balancer-controller']],
  ['ebsCsiDriver', stack => IrsaAddon.ebsCsiDriver({ kmsKeys: [kms.Key.fromKeyArn(stack, 'Key', `arn:aws:kms:eu-west-2:${ACCOUNT}:key/1234`)] }),
    ['kube-system:ebs-csi-controller-sa']],
  ['efsCsiDriver', () => IrsaAddon.efsCsiDriver(), ['kube-system:efs-csi-controller-sa', 'kube-system:efs-csi-node-sa']],
  ['vpcCni', () => IrsaAddon.vpcCni(), ['kube-system:aws-node']],
  ['vpcCni with IPv6', () => IrsaAddon.vpcCni({ ipv6: true }), ['kube-system:aws-node']],
  ['externalDns', stack => IrsaAddon.externalDns({ hostedZones: [route53.HostedZone.fromHostedZoneId(stack, 'Zone', 'Z0123456789ABC')] }),
    ['external-dns:external-dns']],
  ['certManager', stack => IrsaAddon.certManager({ hostedZones: [route53.HostedZone.fromHostedZoneId(stack, 'Zone', 'Z0123456789ABC')] }),
    ['cert-manager:cert-manager']],
  ['clusterAutoscaler', () => IrsaAddon.clusterAutoscaler({ clusterName: 'prod' }), ['kube-system:cluster-autoscaler']],
  ['karpenter', stack => IrsaAddon.karpenter({
    clusterName: 'prod',
    nodeRole: iam.Role.fromRoleName(stack, 'NodeRole', 'KarpenterNodeRole-prod'),
    interruptionQueue: sqs.Queue.fromQueueArn(stack, 'Queue', `arn:aws:sqs:eu-west-2:${ACCOUNT}:prod-interruptions`),
  }), ['kube-system:karpenter']],
  ['externalSecrets', stack => IrsaAddon.externalSecrets({
    secrets: [secretsmanager.Secret.fromSecretNameV2(stack, 'Secret', 'prod/db')],
    parameters: [ssm.StringParameter.fromStringParameterName(stack, 'Parameter', '/prod/feature-flags')],
  }), ['external-secrets:external-secrets']],
  ['mountpointS3Csi', stack => IrsaAddon.mountpointS3Csi({ buckets: [s3.Bucket.fromBucketName(stack, 'Bucket', 'prod-data')] }), ['kube-system:s3-csi-driver-sa']],
  ['cloudWatchObservability', () => IrsaAddon.cloudWatchObservability(), ['amazon-cloudwatch:cloudwatch-agent']],
];

function addonStack(preset: (stack: Stack) => IrsaAddon): { stack: Stack; role: IrsaAddonRole } {
  const stack = testStack();
  const irsa = new IrsaCluster(stack, 'Irsa', { issuerUrl: SEED_ISSUER_URL });
  return { stack, role: irsa.addAddonRole('Addon', preset(stack)) };
}

describe('IrsaAddonRole', () => {
  test.each(PRESETS)('%s trusts exactly its own ServiceAccounts, by name', (_, preset, subjects) => {
    // WHEN
    const { stack, role } = addonStack(preset);

    // THEN
    const roles = Template.fromStack(stack).findResources('AWS::IAM::Role');
    expect(Object.values(roles)).toHaveLength(1);
    const trust = Object.values(roles)[0].Properties.AssumeRolePolicyDocument;
    const expectedSub = subjects.map(s => `system:serviceaccount:${s}`);
    expect(trust.Statement).toEqual([{
      Action: 'sts:AssumeRoleWithWebIdentity',
      Effect: 'Allow',
      Principal: { Federated: { 'Fn::GetAtt': ['IrsaAC15A16C', 'Arn'] } },
      Condition: { StringEquals: { [`${SEED_ISSUER}:sub`]: expectedSub.length === 1 ? expectedSub[0] : expectedSub, [`${SEED_ISSUER}:aud`]: 'sts.amazonaws.com' } },
    }]);
    expect(role.serviceAccountNames.map(n => `${role.serviceAccountNamespace}:${n}`)).toEqual(subjects);
  });

  test.each(PRESETS)('%s synthesizes the expected template (snapshot)', (_, preset) => {
    const { stack } = addonStack(preset);
    expect(Template.fromStack(stack).toJSON()).toMatchSnapshot();
  });

  test.each(PRESETS)('%s passes every IrsaChecks rule', (_, preset) => {
    const { stack } = addonStack(preset);
    expect(audit(stack)).toEqual([]);
  });

  test.each(PRESETS)('%s: cdk-irsa verify allows its own ServiceAccounts and denies a neighbour', (_, preset, subjects) => {
    // GIVEN the deployed account
    const { stack, role } = addonStack(preset);
    const account = deployedAccountOf(readStacks((stack.node.root as App).synth().directory));
    const check = new WebIdentityCheck(account);
    const roleArn = account.roles[0].arn;
    const claims = (sub: string) => ({ iss: SEED_ISSUER_URL, sub: `system:serviceaccount:${sub}`, aud: ['sts.amazonaws.com'], exp: Date.now() / 1000 + 600 });

    // THEN
    for (const subject of subjects) expect(check.checkClaims(roleArn, claims(subject)).allowed).toBe(true);
    const [namespace, name] = subjects[0].split(':');
    expect(check.checkClaims(roleArn, claims(`${namespace}:${name}-neighbour`)).refusal?.code).toBe('AccessDenied');
    expect(check.checkClaims(roleArn, claims(`default:${name}`)).refusal?.code).toBe('AccessDenied');
    expect(role.roleArn).toBe(roleArn);
  });

  test('exposes the EKS add-on name, and gives the chart its values', () => {
    const { role } = addonStack(() => IrsaAddon.ebsCsiDriver());
    expect(role.eksAddonName).toBe('aws-ebs-csi-driver');
    expect(role.helmValues()).toEqual({
      controller: { serviceAccount: { create: true, name: 'ebs-csi-controller-sa', annotations: { 'eks.amazonaws.com/role-arn': role.roleArn } } },
    });
  });

  test('attaches the managed policies and puts the add-on\'s own statements in AddonPolicy', () => {
    const { stack } = addonStack(scope => IrsaAddon.ebsCsiDriver({ kmsKeys: [kms.Key.fromKeyArn(scope, 'Key', `arn:aws:kms:eu-west-2:${ACCOUNT}:key/1234`)] }));
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Role', {
      ManagedPolicyArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy']] }],
    });
    template.resourceCountIs('AWS::IAM::Policy', 1);
    expect(Object.keys(template.findResources('AWS::IAM::Policy'))[0]).toMatch(/^IrsaAddonAddonPolicy[0-9A-F]{8}$/);
  });

  test('follows the add-on into another namespace, and under another ServiceAccount name', () => {
    const stack = testStack();
    const irsa = new IrsaCluster(stack, 'Irsa', { issuerUrl: SEED_ISSUER_URL });
    const karpenter = irsa.addAddonRole('Karpenter', IrsaAddon.karpenter({ clusterName: 'prod', nodeRole: iam.Role.fromRoleName(stack, 'Node', 'node') }), {
      namespace: 'karpenter', serviceAccountName: 'karpenter-controller',
    });
    expect([karpenter.serviceAccountNamespace, karpenter.serviceAccountNames]).toEqual(['karpenter', ['karpenter-controller']]);
    expect(karpenter.helmValues().serviceAccount.name).toBe('karpenter-controller');
  });

  test('refuses another ServiceAccount name for an add-on with several', () => {
    const stack = testStack();
    const irsa = new IrsaCluster(stack, 'Irsa', { issuerUrl: SEED_ISSUER_URL });
    expect(() => irsa.addAddonRole('Efs', IrsaAddon.efsCsiDriver(), { serviceAccountName: 'efs' })).toThrow(new Error("IrsaAddonRole 'Stack/Irsa/Efs': " +
      'serviceAccountName is set, but aws-efs-csi-driver has 2 ServiceAccounts (efs-csi-controller-sa, efs-csi-node-sa), which the role trusts ' +
      'by their own names. Leave serviceAccountName out.'));
  });

  test('uses EKS Pod Identity when asked: an association per ServiceAccount, and no annotation in the chart\'s values', () => {
    // GIVEN
    const stack = testStack();
    const irsa = new IrsaCluster(stack, 'Irsa', { issuerUrl: SEED_ISSUER_URL, clusterName: 'prod' });

    // WHEN
    const efs = irsa.addAddonRole('Efs', IrsaAddon.efsCsiDriver(), { identity: ServiceAccountIdentity.POD_IDENTITY });

    // THEN
    const associations = Object.values(Template.fromStack(stack).findResources('AWS::EKS::PodIdentityAssociation')).map(a => a.Properties);
    expect(associations.map(a => `${a.ClusterName}/${a.Namespace}/${a.ServiceAccount}`)).toEqual(['prod/kube-system/efs-csi-controller-sa', 'prod/kube-system/efs-csi-node-sa']);
    const [statement] = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Role'))[0].Properties.AssumeRolePolicyDocument.Statement;
    expect(statement.Condition.StringEquals['aws:RequestTag/kubernetes-service-account']).toEqual(['efs-csi-controller-sa', 'efs-csi-node-sa']);
    expect(efs.helmValues().controller.serviceAccount.annotations).toEqual({});
    expect(audit(stack)).toEqual([]);
  });

  describe('addHelmChart', () => {
    function withKubectlCluster() {
      const stack = testStack();
      const cluster = eks.Cluster.fromClusterAttributes(stack, 'Eks', { clusterName: 'prod', kubectlRoleArn: `arn:aws:iam::${ACCOUNT}:role/kubectl` });
      const irsa = new IrsaCluster(stack, 'Irsa', { issuerUrl: SEED_ISSUER_URL, cluster });
      return { stack, lb: irsa.addAddonRole('Lb', IrsaAddon.awsLoadBalancerController({ clusterName: 'prod' })) };
    }

    test('installs the chart with the role\'s values, in its namespace, after the role', () => {
      // GIVEN
      const { stack, lb } = withKubectlCluster();

      // WHEN
      lb.addHelmChart('LoadBalancerController', {
        chart: 'aws-load-balancer-controller', repository: 'https://aws.github.io/eks-charts', values: { replicaCount: 1 },
      });

      // THEN
      const template = Template.fromStack(stack);
      const [[, chart]] = Object.entries(template.findResources('Custom::AWSCDK-EKS-HelmChart'));
      expect(chart.Properties.Namespace).toBe('kube-system');
      expect(JSON.parse(chart.Properties.Values)).toEqual({
        replicaCount: 1,
        clusterName: 'prod',
        serviceAccount: { create: true, name: 'aws-load-balancer-controller', annotations: { 'eks.amazonaws.com/role-arn': lb.roleArn } },
      });
      expect(chart.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^IrsaLb[0-9A-F]{8}$/), expect.stringMatching(/^IrsaLbAddonPolicy[0-9A-F]{8}$/)]));
    });

    test('refuses values that would change the role\'s, a namespace the role does not trust, and a cluster without kubectl', () => {
      const { lb } = withKubectlCluster();
      expect(() => lb.addHelmChart('A', { chart: 'x', values: { serviceAccount: { name: 'other' } } })).toThrow(new Error("IrsaAddonRole 'Stack/Irsa/Lb': " +
        'the Helm values "serviceAccount.name" are set by helmValues(), which the role needs as they are. Leave them out of options.values.'));
      expect(() => lb.addHelmChart('B', { chart: 'x', namespace: 'ingress' })).toThrow(new Error("IrsaAddonRole 'Stack/Irsa/Lb': the chart would " +
        'be installed in namespace "ingress", but the role trusts ServiceAccounts in "kube-system". Pass namespace: "ingress" to addAddonRole instead.'));
      const { role } = addonStack(() => IrsaAddon.vpcCni());
      expect(() => role.addHelmChart('C', { chart: 'x' })).toThrow(new Error("IrsaAddonRole 'Stack/Irsa/Addon': addHelmChart needs a cluster with " +
        'kubectl access, and this role\'s IrsaCluster has none. Pass `cluster` (an eks.ICluster with kubectl access) to the IrsaCluster, or ' +
        'install the chart yourself with `values: role.helmValues()` and `chart.node.addDependency(role)`.'));
    });

    test('installs in the role\'s namespace when a JavaScript caller passes namespace: undefined', () => {
      const { stack, lb } = withKubectlCluster();
      lb.addHelmChart('LoadBalancerController', { chart: 'aws-load-balancer-controller', namespace: undefined });
      Template.fromStack(stack).hasResourceProperties('Custom::AWSCDK-EKS-HelmChart', { Namespace: 'kube-system' });
    });

    test('says how to install the chart on an aws-eks-v2 cluster, which addHelmChart does not take', () => {
      const stack = testStack();
      const kubectlProvider = eksv2.KubectlProvider.fromKubectlProviderAttributes(stack, 'Kubectl', {
        serviceToken: `arn:aws:lambda:eu-west-2:${ACCOUNT}:function:kubectl`, role: iam.Role.fromRoleName(stack, 'KubectlRole', 'kubectl'),
      });
      const eksV2KubectlCluster = eksv2.Cluster.fromClusterAttributes(stack, 'Eks', { clusterName: 'prod', kubectlProvider });
      const irsa = IrsaCluster.fromIrsaClusterAttributes(stack, 'Irsa', {
        openIdConnectProviderArn: `arn:aws:iam::${ACCOUNT}:oidc-provider/${SEED_ISSUER}`, eksV2KubectlCluster,
      });
      const lb = irsa.addAddonRole('Lb', IrsaAddon.awsLoadBalancerController());
      expect(() => lb.addHelmChart('A', { chart: 'x' })).toThrow(new Error("IrsaAddonRole 'Stack/Irsa/Lb': addHelmChart takes aws-eks clusters, " +
        'and this role\'s IrsaCluster applies manifests through an aws-eks-v2 cluster. Install the chart with that cluster\'s addHelmChart, ' +
        'with `values: role.helmValues()` and `chart.node.addDependency(role)`.'));
    });
  });
});
