import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Annotations, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ServiceAccountTrust, TrustedServiceAccount } from '../../src/private/service-account-trust';
import { testApp } from '../support/app';

const BLUE = { providerArn: 'arn:aws:iam::123456789012:oidc-provider/oidc.example.com/id/BLUE', issuer: 'oidc.example.com/id/BLUE' };
const GREEN = { providerArn: 'arn:aws:iam::123456789012:oidc-provider/oidc.example.com/id/GREEN', issuer: 'oidc.example.com/id/GREEN' };

function roleTrusting(first: TrustedServiceAccount, ...more: TrustedServiceAccount[]) {
  const stack = new Stack(testApp(), 'S');
  const trust = new ServiceAccountTrust();
  trust.addWebIdentity(first);
  const role = new iam.Role(stack, 'Role', { assumedBy: trust.initialPrincipal });
  trust.bind(role);
  more.forEach(account => trust.addWebIdentity(account));
  return { stack, trust, role };
}

function trustPolicy(stack: Stack) {
  return Object.values(Template.fromStack(stack).findResources('AWS::IAM::Role'))[0].Properties.AssumeRolePolicyDocument;
}

describe('ServiceAccountTrust', () => {
  test('packs the subjects of one provider and audience into one statement', () => {
    const { stack, trust } = roleTrusting(
      { ...BLUE, audience: 'sts.amazonaws.com', namespace: 'a', name: 'x' },
      { ...BLUE, audience: 'sts.amazonaws.com', namespace: 'b', name: 'y' },
      { ...BLUE, audience: 'sts.amazonaws.com', namespace: 'a', name: 'x' },
    );
    expect(trustPolicy(stack).Statement).toEqual([{
      Action: 'sts:AssumeRoleWithWebIdentity',
      Effect: 'Allow',
      Principal: { Federated: BLUE.providerArn },
      Condition: {
        StringEquals: {
          'oidc.example.com/id/BLUE:sub': ['system:serviceaccount:a:x', 'system:serviceaccount:b:y'],
          'oidc.example.com/id/BLUE:aud': 'sts.amazonaws.com',
        },
      },
    }]);
    expect(trust.subjects).toEqual(['system:serviceaccount:a:x', 'system:serviceaccount:b:y']);
  });

  test('keeps a subject added after the policy was resolved once', () => {
    // GIVEN
    const { stack, trust, role } = roleTrusting({ ...BLUE, audience: 'sts.amazonaws.com', namespace: 'a', name: 'x' });
    const subjects = () => stack.resolve((role.node.defaultChild as iam.CfnRole).assumeRolePolicyDocument).Statement[0].Condition.StringEquals[`${BLUE.issuer}:sub`];
    expect(subjects()).toEqual('system:serviceaccount:a:x');

    // WHEN
    trust.addWebIdentity({ ...BLUE, audience: 'sts.amazonaws.com', namespace: 'b', name: 'y' });

    // THEN
    expect(subjects()).toEqual(['system:serviceaccount:a:x', 'system:serviceaccount:b:y']);
  });

  test('gives each provider, audience and namespace wildcard a statement of its own', () => {
    const { stack } = roleTrusting(
      { ...BLUE, audience: 'sts.amazonaws.com', namespace: 'a', name: 'x' },
      { ...GREEN, audience: 'sts.amazonaws.com', namespace: 'a', name: 'x' },
      { ...BLUE, audience: 'vault', namespace: 'a', name: 'x' },
      { ...BLUE, audience: 'sts.amazonaws.com', namespace: 'jobs' },
    );
    const statements = trustPolicy(stack).Statement;
    expect(statements.map((s: any) => [s.Principal.Federated, s.Condition])).toEqual([
      [BLUE.providerArn, { StringEquals: { 'oidc.example.com/id/BLUE:sub': 'system:serviceaccount:a:x', 'oidc.example.com/id/BLUE:aud': 'sts.amazonaws.com' } }],
      [GREEN.providerArn, { StringEquals: { 'oidc.example.com/id/GREEN:sub': 'system:serviceaccount:a:x', 'oidc.example.com/id/GREEN:aud': 'sts.amazonaws.com' } }],
      [BLUE.providerArn, { StringEquals: { 'oidc.example.com/id/BLUE:sub': 'system:serviceaccount:a:x', 'oidc.example.com/id/BLUE:aud': 'vault' } }],
      [BLUE.providerArn, {
        StringLike: { 'oidc.example.com/id/BLUE:sub': 'system:serviceaccount:jobs:*' },
        StringEquals: { 'oidc.example.com/id/BLUE:aud': 'sts.amazonaws.com' },
      }],
    ]);
  });

  test('switches to a JSON string when a token issuer is added after the role exists', () => {
    const { stack, trust } = roleTrusting({ ...BLUE, audience: 'sts.amazonaws.com', namespace: 'a', name: 'x' });
    expect(Object.keys(trustPolicy(stack))).toEqual(['Statement', 'Version']);
    const { stack: later, trust: laterTrust } = roleTrusting({ ...BLUE, audience: 'sts.amazonaws.com', namespace: 'a', name: 'x' });
    const arn = new CfnParameter(later, 'Arn').valueAsString;
    laterTrust.addWebIdentity({ providerArn: arn, issuer: arn, audience: 'sts.amazonaws.com', namespace: 'a', name: 'x' });
    expect(Object.keys(trustPolicy(later))).toEqual(['Fn::Join']);
    expect(trust.subjects).toEqual(['system:serviceaccount:a:x']);
  });

  test('estimates the size as the length of the minified policy', () => {
    const { stack, trust } = roleTrusting(
      { ...BLUE, audience: 'sts.amazonaws.com', namespace: 'a', name: 'x' },
      { ...BLUE, audience: 'sts.amazonaws.com', namespace: 'b', name: 'y' },
      { ...GREEN, audience: 'sts.amazonaws.com', namespace: 'jobs' },
    );
    const actual = JSON.stringify(trustPolicy(stack)).length;
    expect(trust.estimatedSize).toBe(actual);
  });

  test('bounds the size from above without resolving the role: exactly with literals, at the longest values with tokens', () => {
    // GIVEN a literal policy, one with a deploy-time provider, issuer and audience, and one with a statement of the user's
    const parts = { audience: 'sts.amazonaws.com', namespace: 'a', name: 'x' };
    const literal = roleTrusting({ ...BLUE, ...parts }, { ...GREEN, ...parts, namespace: 'jobs' });
    const deployTime = roleTrusting({ ...BLUE, ...parts });
    const arn = new CfnParameter(deployTime.stack, 'Arn').valueAsString;
    deployTime.trust.addWebIdentity({ providerArn: arn, issuer: arn, audience: new CfnParameter(deployTime.stack, 'Aud').valueAsString, namespace: 'b', name: 'y' });
    const extended = roleTrusting({ ...BLUE, ...parts });
    extended.role.assumeRolePolicy!.addStatements(new iam.PolicyStatement({ actions: ['sts:AssumeRole'], principals: [new iam.AccountRootPrincipal()] }));

    // THEN
    expect(literal.trust.sizeUpperBound).toBe(JSON.stringify(trustPolicy(literal.stack)).length);
    expect(deployTime.trust.sizeUpperBound).toBeGreaterThanOrEqual(deployTime.trust.estimatedSize);
    expect(deployTime.trust.sizeUpperBound).toBeLessThan(deployTime.trust.estimatedSize + 200);
    expect(extended.trust.sizeUpperBound).toBe(Infinity);
  });

  test('writes EKS Pod Identity statements beside IRSA ones, and bounds their size exactly with literals', () => {
    // GIVEN a role trusting one ServiceAccount through IRSA, then two through EKS Pod Identity
    const { stack, trust } = roleTrusting({ ...BLUE, audience: 'sts.amazonaws.com', namespace: 'shop', name: 'orders' });
    const clusterArn = 'arn:aws:eks:eu-west-2:123456789012:cluster/prod';

    // WHEN
    trust.addPodIdentity({ clusterArn, namespace: 'shop', name: 'orders' });
    trust.addPodIdentity({ clusterArn, namespace: 'shop', name: 'orders-canary' });

    // THEN
    const policy = trustPolicy(stack);
    expect(policy.Statement[1]).toEqual({
      Action: ['sts:AssumeRole', 'sts:TagSession'],
      Effect: 'Allow',
      Principal: { Service: 'pods.eks.amazonaws.com' },
      Condition: {
        StringEquals: {
          'aws:RequestTag/eks-cluster-arn': clusterArn,
          'aws:RequestTag/kubernetes-namespace': 'shop',
          'aws:RequestTag/kubernetes-service-account': ['orders', 'orders-canary'],
        },
      },
    });
    expect(trust.subjects).toEqual(['system:serviceaccount:shop:orders', 'shop/orders', 'shop/orders-canary']);
    expect(trust.sizeUpperBound).toBe(JSON.stringify(policy).length);
    expect(trust.estimatedSize).toBe(JSON.stringify(policy).length);
  });

  test('warns above 2048 characters', () => {
    const accounts = Array.from({ length: 45 }, (_, i) => ({ ...BLUE, audience: 'sts.amazonaws.com', namespace: 'team', name: `service-${i}` }));
    const { stack } = roleTrusting(accounts[0], ...accounts.slice(1));
    const size = JSON.stringify(trustPolicy(stack)).length;
    expect(size).toBeGreaterThan(2048);
    expect(size).toBeLessThanOrEqual(4096);
    Annotations.fromStack(stack).hasWarning('/S/Role', `The trust policy is about ${size} characters (45 subjects), over IAM's default quota ` +
      'of 2048. Deployment fails unless the account\'s "Role trust policy length" quota is raised (up to 4096); otherwise split the ' +
      'ServiceAccounts over several roles. [ack: cdk-irsa:trustPolicySize]');
  });

  test('fails synthesis above 4096 characters', () => {
    const accounts = Array.from({ length: 100 }, (_, i) => ({ ...BLUE, audience: 'sts.amazonaws.com', namespace: 'team', name: `service-${i}` }));
    const { stack } = roleTrusting(accounts[0], ...accounts.slice(1));
    expect(() => (stack.node.root as App).synth()).toThrow(new RegExp('^Validation failed with the following errors:\\n  \\[S/Role\\] the trust ' +
      "policy of role 'S/Role' is about \\d+ characters \\(100 subjects\\); IAM rejects trust policies over 4096 characters even with a " +
      'raised quota\\. Split the ServiceAccounts over several roles\\.$'));
  });
});
