import { Aspects, CfnJson, CfnParameter, Stack, Stage, Validations } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { CfnInclude } from 'aws-cdk-lib/cloudformation-include';
import { IrsaChecks, IrsaCluster } from '../src';
import { ACCOUNT, ENV, SEED_ISSUER_URL, testApp, testStack } from './support/app';
import { testFile } from './support/test-directory';
import { AUD, PROVIDER_ARN, SUB, annotationsOf, audit, conditional, rulesOf, stackWithRole, statement } from './support/trust-audit';

describe('IrsaChecks', () => {
  test('runs side by side with another IrsaChecks (on the app and on a stack), which a synthesis hook per role once broke', () => {
    // GIVEN
    const stack = stackWithRole(statement());

    // WHEN
    Aspects.of(stack).add(new IrsaChecks());
    const reported = annotationsOf(stack);

    // THEN: both summarize, with the same line, which CDK records once
    expect(reported.filter(r => r.level === 'info').map(r => r.message)).toEqual(['IrsaChecks: 1 role, 0 findings']);
  });

  test('audits a role brought in with CfnInclude, as the README says', () => {
    // GIVEN a template of another tool whose role trusts the provider without an aud condition
    const template = testFile('legacy.json', JSON.stringify({
      Resources: {
        Legacy: {
          Type: 'AWS::IAM::Role',
          Properties: { AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [statement({ Condition: { StringEquals: { [SUB]: 'system:serviceaccount:ns:sa' } } })] } },
        },
      },
    }));
    const stack = testStack();

    // WHEN
    new CfnInclude(stack, 'Legacy', { templateFile: template });

    // THEN
    expect(audit(stack).map(r => `${r.path} ${r.message.slice(0, 7)}`)).toEqual(['/Stack/Legacy/Legacy [IRSA2]']);
  });

  describe('compliant roles pass every rule', () => {
    test.each([
      ['exact sub and aud', [statement()]],
      ['sub and aud given as one-element lists', [statement({ Condition: { StringEquals: { [SUB]: ['system:serviceaccount:ns:sa'], [AUD]: ['sts.amazonaws.com'] } } })]],
      ['several subjects', [statement({ Condition: { StringEquals: { [SUB]: ['system:serviceaccount:a:x', 'system:serviceaccount:b:y'], [AUD]: 'sts.amazonaws.com' } } })]],
      ['StringLike with a literal namespace', [statement({ Condition: { StringLike: { [SUB]: 'system:serviceaccount:jobs:*' }, StringEquals: { [AUD]: 'sts.amazonaws.com' } } })]],
      ['StringLike without wildcards on aud', [statement({ Condition: { StringEquals: { [SUB]: 'system:serviceaccount:ns:sa' }, StringLike: { [AUD]: 'sts.amazonaws.com' } } })]],
      ['a GitHub Actions pattern, which cannot match a Kubernetes subject', [statement({
        Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` },
        Condition: {
          StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:example/app:*' },
          StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
        },
      })]],
      ['condition keys in another case', [statement({ Condition: { StringEquals: { [SUB.toUpperCase()]: 'system:serviceaccount:ns:sa', [AUD]: 'sts.amazonaws.com' } } })]],
      ['an extra Deny statement', [statement(), statement({ Effect: 'Deny', Condition: undefined })]],
    ])('passes a compliant role: %s', (_, statements) => {
      expect(audit(stackWithRole(...statements))).toEqual([]);
    });
  });

  describe('deploy-time parts fail closed', () => {
    test.each([
      ['Effect', { Effect: conditional('Allow', 'Deny') }],
      ['Action', { Action: [conditional('sts:AssumeRoleWithWebIdentity', 'sts:TagSession')] }],
    ])('IRSA1 and IRSA2: check a statement whose %s is a deploy-time value as if it allowed web identities', (_, overrides) => {
      const reported = audit(stackWithRole(statement({ ...overrides, Condition: undefined })));
      expect(rulesOf(reported)).toEqual(['error IRSA1', 'error IRSA2']);
    });

    test('passes a hand-written provider ARN and keys that share a deploy-time issuer', () => {
      const stack = testStack();
      const issuer = new CfnParameter(stack, 'Issuer').valueAsString;
      new iam.CfnRole(stack, 'Role', {
        assumeRolePolicyDocument: Stack.of(stack).toJsonString({
          Statement: [statement({
            Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${issuer}` },
            Condition: { StringEquals: { [`${issuer}:sub`]: 'system:serviceaccount:ns:sa', [`${issuer}:aud`]: 'sts.amazonaws.com' } },
          })],
        }),
      });
      expect(audit(stack)).toEqual([]);
    });

    test('passes a deploy-time Effect or Action when the conditions are exact', () => {
      const reported = audit(stackWithRole(
        statement({ Effect: conditional('Allow', 'Deny') }),
        statement({ Action: [conditional('sts:AssumeRoleWithWebIdentity', 'sts:TagSession')] }),
      ));
      expect(reported).toEqual([]);
    });

    test('IRSA1 and IRSA2: check a statement whose NotAction has a deploy-time entry, which may not exclude web identities', () => {
      const reported = audit(stackWithRole(statement({
        Action: undefined,
        NotAction: ['sts:TagSession', conditional('sts:AssumeRoleWithWebIdentity', 'sts:SetSourceIdentity')],
        Condition: undefined,
      })));
      expect(rulesOf(reported)).toEqual(['error IRSA1', 'error IRSA2']);
    });
  });


  describe('scope', () => {
    test.each([
      ['a service role', { Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: undefined }],
      ['a Cognito identity pool role', { Principal: { Federated: 'cognito-identity.amazonaws.com' }, Condition: undefined }],
      ['a SAML role', { Principal: { Federated: `arn:aws:iam::${ACCOUNT}:saml-provider/corp` }, Action: 'sts:AssumeRoleWithSAML', Condition: undefined }],
      ['a wildcard principal for sts:AssumeRole only', { Principal: { AWS: '*' }, Action: 'sts:AssumeRole', Condition: undefined }],
      ['a Deny statement', { Effect: 'Deny', Condition: undefined }],
    ])('ignores %s', (_, overrides) => {
      expect(audit(stackWithRole(statement(overrides)))).toEqual([]);
    });

    test.each([
      ['sts:*', { Action: 'sts:*' }],
      ['"*"', { Action: ['s3:GetObject', '*'] }],
      ['NotAction', { Action: undefined, NotAction: 'sts:AssumeRole' }],
      ['a lowercase action', { Action: 'sts:assumerolewithwebidentity' }],
    ])('checks a statement whose action %s covers sts:AssumeRoleWithWebIdentity', (_, overrides) => {
      expect(rulesOf(audit(stackWithRole(statement({ ...overrides, Condition: undefined }))))).toEqual(['error IRSA1', 'error IRSA2']);
    });

    test('checks the roles of a Stage when it is added to the Stage, which the app\'s aspects do not reach', () => {
      // GIVEN
      const app = testApp();
      const stage = new Stage(app, 'Prod');
      const stack = new Stack(stage, 'Stack', { env: ENV });
      new iam.CfnRole(stack, 'Role', { assumeRolePolicyDocument: { Statement: [statement({ Condition: undefined })] } });

      // WHEN
      Aspects.of(stage).add(new IrsaChecks());

      // THEN: once each, from the stage's aspect; the helper's aspect on the app adds nothing.
      expect(rulesOf(audit(stack))).toEqual(['error IRSA1', 'error IRSA2']);
    });

    test('checks L2 roles and names them by their L2 path', () => {
      // GIVEN
      const stack = testStack();
      new iam.Role(stack, 'Role', { assumedBy: new iam.WebIdentityPrincipal(PROVIDER_ARN) });

      // WHEN
      const reported = audit(stack);

      // THEN
      expect(reported.map(r => [r.path, r.message.slice(0, 26)])).toEqual([
        ['/Stack/Role/Resource', '[IRSA1] Role \'Stack/Role\':'],
        ['/Stack/Role/Resource', '[IRSA2] Role \'Stack/Role\':'],
      ]);
    });

    test('sees escape-hatch overrides, which are what CloudFormation deploys', () => {
      // GIVEN
      const stack = testStack();
      const sa = new IrsaCluster(stack, 'Irsa', { issuerUrl: SEED_ISSUER_URL }).addServiceAccount('Sa', { namespace: 'ns', name: 'sa' });

      // WHEN
      (sa.role.node.defaultChild as iam.CfnRole).addPropertyOverride('AssumeRolePolicyDocument.Statement.0.Condition', {
        StringLike: { [SUB]: 'system:serviceaccount:*' },
        StringEquals: { [AUD]: 'sts.amazonaws.com' },
      });

      // THEN
      expect(audit(stack).map(r => r.message.slice(0, 41))).toEqual(['[IRSA4] Role \'Stack/Irsa/Sa/Resource\': St']);
    });

    test('reads the conditions of aws-eks ServiceAccounts through their CfnJson, and passes them', () => {
      // GIVEN
      const stack = testStack();
      const cluster = new eks.Cluster(stack, 'Eks', {
        version: eks.KubernetesVersion.V1_33,
        kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(stack, 'KubectlLayer', `arn:aws:lambda:eu-west-2:${ACCOUNT}:layer:kubectl:1`),
        defaultCapacity: 0,
      });

      // WHEN
      cluster.addServiceAccount('Sa', { namespace: 'ns', name: 'sa' });
      // A role built the same way but with a namespace wildcard shows that the CfnJson is really read.
      new iam.Role(stack, 'Wide', {
        assumedBy: new iam.OpenIdConnectPrincipal(cluster.openIdConnectProvider).withConditions({
          StringLike: new CfnJson(stack, 'WideConditions', {
            value: { [`${cluster.openIdConnectProvider.openIdConnectProviderIssuer}:sub`]: 'system:serviceaccount:*:sa' },
          }),
          StringEquals: new CfnJson(stack, 'WideAudience', {
            value: { [`${cluster.openIdConnectProvider.openIdConnectProviderIssuer}:aud`]: 'sts.amazonaws.com' },
          }),
        }),
      });

      // Keys from the cluster's own issuer attribute name the same issuer as its provider.
      new iam.Role(stack, 'FromClusterIssuer', {
        assumedBy: new iam.OpenIdConnectPrincipal(cluster.openIdConnectProvider).withConditions({
          StringEquals: new CfnJson(stack, 'ClusterIssuerConditions', {
            value: {
              [`${cluster.clusterOpenIdConnectIssuer}:sub`]: 'system:serviceaccount:ns:sa',
              [`${cluster.clusterOpenIdConnectIssuer}:aud`]: 'sts.amazonaws.com',
            },
          }),
        }),
      });

      // THEN
      const reported = audit(stack);
      expect(reported.map(r => [r.path, r.message.slice(0, 61)])).toEqual([
        ['/Stack/Wide/Resource', '[IRSA4] Role \'Stack/Wide\': Statement[0] matches "${issuer of '],
      ]);
    });
  });

  describe('roles created by IrsaServiceAccount', () => {
    test.each([
      ['a literal issuer', (stack: Stack) => new IrsaCluster(stack, 'Irsa', { issuerUrl: SEED_ISSUER_URL })],
      ['a token issuer', (stack: Stack) => new IrsaCluster(stack, 'Irsa', { issuerUrl: new CfnParameter(stack, 'Url').valueAsString })],
      ['an imported provider', (stack: Stack) => IrsaCluster.fromOidcProviderArn(stack, 'Irsa', PROVIDER_ARN)],
      ['a token provider ARN', (stack: Stack) => IrsaCluster.fromOidcProviderArn(stack, 'Irsa', new CfnParameter(stack, 'Arn').valueAsString)],
    ])('pass every rule, with %s, several subjects, a second cluster and a namespace wildcard', (_, makeCluster) => {
      // GIVEN
      const stack = testStack();
      const cluster = makeCluster(stack);
      const green = new IrsaCluster(stack, 'Green', { issuerUrl: new CfnParameter(stack, 'GreenUrl').valueAsString });

      // WHEN
      const sa = cluster.addServiceAccount('Sa', { namespace: 'ns', name: 'sa' });
      sa.trust(cluster, { name: 'other' });
      sa.trust(green);
      sa.trustAllServiceAccountsInNamespace(cluster, 'jobs');
      cluster.addServiceAccount('Plain', { namespace: 'ns', name: 'plain' });

      // THEN
      expect(audit(stack)).toEqual([]);
    });

    test('pass every rule when the second cluster is in another stack', () => {
      // GIVEN
      const app = testApp();
      const blueStack = new Stack(app, 'Blue', { env: ENV });
      const greenStack = new Stack(app, 'Green', { env: ENV });
      const blue = new IrsaCluster(blueStack, 'Irsa', { issuerUrl: SEED_ISSUER_URL });
      const green = new IrsaCluster(greenStack, 'Irsa', { issuerUrl: `${SEED_ISSUER_URL}0` });

      // WHEN
      blue.addServiceAccount('Sa', { namespace: 'ns', name: 'sa' }).trust(green);

      // THEN
      expect(audit(blueStack)).toEqual([]);
    });

    test.each([
      ['a literal audience', 50, (_: Stack) => undefined],
      ['a deploy-time audience', 45, (stack: Stack) => new CfnParameter(stack, 'Audience').valueAsString],
    ])('share IRSA8 with the construct\'s own size check: both estimate the same size, with %s', (_, count, audienceOf) => {
      // GIVEN
      const stack = testStack();
      const sa = new IrsaCluster(stack, 'Irsa', { issuerUrl: new CfnParameter(stack, 'Url').valueAsString })
        .addServiceAccount('Sa', { namespace: 'ns', name: 'sa' });
      const audience = audienceOf(stack);

      // WHEN
      for (let i = 0; i < count; i++) sa.trust(sa.node.scope as IrsaCluster, { name: `service-${i}`, audience });

      // THEN
      const warnings = annotationsOf(stack).filter(r => r.level === 'warning').map(r => [r.message.slice(0, 7), /about (\d+) characters/.exec(r.message)?.[1]]);
      expect(warnings).toEqual([['The tru', expect.stringMatching(/^2\d{3}$/)], ['[IRSA8]', warnings[0][1]]]);
    });
  });

  describe('acknowledgements', () => {
    test('Validations.acknowledge turns a finding into an info message with the reason', () => {
      // GIVEN
      const stack = stackWithRole(statement({ Condition: { StringLike: { [SUB]: 'system:serviceaccount:*:ci' }, StringEquals: { [AUD]: 'sts.amazonaws.com' } } }));

      // WHEN
      Validations.of(stack).acknowledge({ id: 'IRSA4', reason: 'CI runners live in per-branch namespaces' });

      // THEN
      const reported = audit(stack);
      expect(reported.map(r => r.level)).toEqual(['info']);
      expect(reported[0].message).toMatch(/^\[IRSA4\] Role 'Stack\/Role': .* \(acknowledged at 'Stack': CI runners live in per-branch namespaces\)$/);
    });

    test('acknowledges only the rule named, on the scope given and below', () => {
      // GIVEN
      const stack = stackWithRole(statement({ Condition: { StringLike: { [SUB]: 'system:serviceaccount:*' } } }));
      new iam.CfnRole(stack, 'Other', { assumeRolePolicyDocument: { Statement: [statement({ Condition: { StringLike: { [SUB]: '*' }, StringEquals: { [AUD]: 'x' } } })] } });

      // WHEN
      Validations.of(stack.node.findChild('Role')).acknowledge({ id: 'IRSA4', reason: 'reviewed' });

      // THEN
      expect(audit(stack).map(r => `${r.path} ${r.level} ${r.message.slice(0, 7)}`)).toEqual([
        '/Stack/Role error [IRSA2]',
        '/Stack/Other error [IRSA4]',
        '/Stack/Role info [IRSA4]',
      ]);
    });

    test('acknowledges the size warning', () => {
      const subjects = Array.from({ length: 45 }, (_, i) => `system:serviceaccount:team:service-${i}`);
      const stack = stackWithRole(statement({ Condition: { StringEquals: { [SUB]: subjects, [AUD]: 'sts.amazonaws.com' } } }));
      Validations.of(stack).acknowledge({ id: 'IRSA8', reason: 'quota raised to 4096' });
      expect(audit(stack).map(r => r.level)).toEqual(['info']);
    });
  });

  describe('says it ran', () => {
    const summariesOf = (stack: Stack) => annotationsOf(stack).filter(r => r.message.startsWith('IrsaChecks:')).map(r => `${r.level} ${r.path} ${r.message}`);

    test('one info line per stack: roles audited and findings, 0 when all is well', () => {
      const stack = testStack();
      const irsa = new IrsaCluster(stack, 'Irsa', { issuerUrl: SEED_ISSUER_URL });
      for (const name of ['a', 'b', 'c', 'd', 'e']) irsa.addServiceAccountRole(name, { namespace: 'ns', name });
      expect(summariesOf(stack)).toEqual(['info /Stack IrsaChecks: 5 roles, 0 findings']);
    });

    test('counts every finding, and says how many were acknowledged', () => {
      const stack = stackWithRole(statement({ Condition: undefined }));
      new iam.CfnRole(stack, 'Reviewed', {
        assumeRolePolicyDocument: { Version: '2012-10-17', Statement: [statement({ Condition: { StringEquals: { [AUD]: 'sts.amazonaws.com' } } })] },
      });
      Validations.of(stack.node.findChild('Reviewed')).acknowledge({ id: 'IRSA1', reason: 'reviewed' });
      expect(summariesOf(stack)).toEqual(['info /Stack IrsaChecks: 2 roles, 3 findings (1 acknowledged)']);
    });

    test('1 role, 1 finding', () => {
      expect(summariesOf(stackWithRole(statement({ Condition: { StringEquals: { [SUB]: 'system:serviceaccount:ns:sa' } } }))))
        .toEqual(['info /Stack IrsaChecks: 1 role, 1 finding']);
    });
  });
});

