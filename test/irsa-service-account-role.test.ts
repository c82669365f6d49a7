import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IrsaCluster, IrsaServiceAccountRole } from '../src';
import { ACCOUNT, SEED_ISSUER, SEED_ISSUER_URL, testStack } from './support/app';

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
