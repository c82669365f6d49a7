import * as fs from 'fs';
import * as path from 'path';
import { App, CfnParameter, CfnResource, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as eksv2 from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ServiceAccount as ServiceAccountModel } from 'kubernetes-models/v1/ServiceAccount';
import * as YAML from 'yaml';
import { IrsaCluster, IrsaServiceAccount, IrsaServiceAccountOptions, ServiceAccountIdentity } from '../src';
import { ACCOUNT, ENV, SEED_ISSUER, SEED_ISSUER_URL, testStack } from './support/app';
import { evaluateIntrinsics } from './support/cfn';

const IMPORTED_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/${SEED_ISSUER}`;

/** The trust policy IAM must receive for `testing/can-do-stuff-on-aws`, given the provider ARN. */
function seedTrustPolicy(providerArn: unknown) {
  return {
    Version: '2012-10-17',
    Statement: [{
      Effect: 'Allow',
      Action: 'sts:AssumeRoleWithWebIdentity',
      Principal: { Federated: providerArn },
      Condition: {
        StringEquals: {
          [`${SEED_ISSUER}:sub`]: 'system:serviceaccount:testing:can-do-stuff-on-aws',
          [`${SEED_ISSUER}:aud`]: 'sts.amazonaws.com',
        },
      },
    }],
  };
}

function onlyRole(stack: Stack): { logicalId: string; properties: any } {
  const roles = Object.entries(Template.fromStack(stack).findResources('AWS::IAM::Role'));
  expect(roles).toHaveLength(1);
  return { logicalId: roles[0][0], properties: roles[0][1].Properties };
}

function seed(stack: Stack, options: Partial<IrsaServiceAccountOptions> = {}) {
  const cluster = new IrsaCluster(stack, 'Irsa', { issuerUrl: SEED_ISSUER_URL });
  const sa = cluster.addServiceAccount('CanDoStuff', { namespace: 'testing', name: 'can-do-stuff-on-aws', ...options });
  return { cluster, sa };
}

function writtenManifests(stack: Stack): Record<string, any[]> {
  const dir = testAppOf(stack).synth().directory;
  const files = fs.readdirSync(dir).filter(f => f.endsWith('.k8s.yaml'));
  return Object.fromEntries(files.map(f => [f, YAML.parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map(d => d.toJSON())]));
}

/** A stack's manifest resources, by construct path in the stack: the objects each applies and what it waits for, by path. */
function appliedManifests(stack: Stack): Record<string, { objects: string[]; dependsOn: string[]; overwrite: unknown; prunes: boolean }> {
  const resources = Template.fromStack(stack).toJSON().Resources;
  const all = stack.node.findAll().filter(CfnResource.isCfnResource).filter(r => Stack.of(r) === stack);
  const shortPath = (r: CfnResource) => r.node.path.slice(stack.node.path.length + 1).replace(/(\/Resource)+(\/Default)?$/, '');
  const pathOf = new Map(all.map(r => [stack.getLogicalId(r), shortPath(r)]));
  return Object.fromEntries(all.filter(r => r.cfnResourceType === 'Custom::AWSCDK-EKS-KubernetesResource').map(r => {
    const { Properties, DependsOn } = resources[stack.getLogicalId(r)];
    const objects = JSON.parse(Properties.Manifest).map((m: any) => `${m.kind} ${m.metadata.namespace ?? ''}/${m.metadata.name}`);
    return [shortPath(r), {
      objects, dependsOn: (DependsOn ?? []).map((id: string) => pathOf.get(id) ?? id).sort(), overwrite: Properties.Overwrite, prunes: 'PruneLabel' in Properties,
    }];
  }));
}

/** The fixes that follow each kind of invalid input, as the error messages give them. */
const NAMESPACE_FIX = 'Use a DNS-1123 label: 1-63 lowercase letters, digits or "-", starting and ending with a letter or digit.';
const NAME_FIX = 'Use a DNS-1123 subdomain: at most 253 lowercase letters, digits, "-" or ".", starting and ending with a letter or digit.';
const AUDIENCE_FIX = 'so STS would reject every token with "Incorrect token audience". Add it to the IrsaCluster clientIds or use one of those.';
const ROLE_NAME_FIX = 'Use 1-64 characters from letters, digits and "+=,.@_-", or leave roleName out to get a generated one.';
const PATH_FIX = 'Use "/" or a string that starts and ends with "/" (e.g. "/irsa/"), at most 512 printable ASCII characters.';
const LITERAL_FIX = 'must be a literal string: it is part of the trust policy subject and the manifest, both of which are fixed at synth time.';

describe('IrsaServiceAccount', () => {
  describe('the seed example: testing/can-do-stuff-on-aws', () => {
    test('synthesizes the expected template (snapshot, with CloudFormation validation on)', () => {
      // GIVEN
      const stack = testStack({ env: ENV }, { validate: true });

      // WHEN
      seed(stack);

      // THEN
      expect(Template.fromStack(stack).toJSON()).toMatchSnapshot();
    });

    test('has exactly one trust statement with exact sub and aud conditions', () => {
      // GIVEN
      const stack = testStack();

      // WHEN
      seed(stack);

      // THEN
      const { properties } = onlyRole(stack);
      expect(properties.AssumeRolePolicyDocument).toEqual(seedTrustPolicy({ 'Fn::GetAtt': ['IrsaAC15A16C', 'Arn'] }));
    });

    test('renders the chart with the concrete role ARN', () => {
      // GIVEN
      const stack = testStack();

      // WHEN
      const { sa } = seed(stack);

      // THEN
      const manifests = cdk8s.Testing.synth(sa.chart);
      expect(manifests).toEqual([{
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        automountServiceAccountToken: false,
        metadata: {
          name: 'can-do-stuff-on-aws',
          namespace: 'testing',
          annotations: { 'eks.amazonaws.com/role-arn': `arn:aws:iam::${ACCOUNT}:role/Stack-Irsa-CanDoStuff-BC9DF32D` },
        },
      }]);
    });

    test('the ServiceAccount passes the Kubernetes schema', () => {
      // GIVEN
      const stack = testStack();

      // WHEN
      const { sa } = seed(stack, { labels: { 'app.kubernetes.io/name': 'stuff' }, tokenExpiration: Duration.hours(1) });

      // THEN
      const [manifest] = cdk8s.Testing.synth(sa.chart);
      expect(() => new ServiceAccountModel(manifest).validate()).not.toThrow();
      // The schema check itself can fail: a wrongly typed field is caught.
      expect(() => new ServiceAccountModel({ ...manifest, automountServiceAccountToken: 'no' }).validate()).toThrow();
    });

    test('exposes the names and a literal role ARN', () => {
      const stack = testStack();
      const { sa } = seed(stack);
      expect(sa.serviceAccountName).toBe('can-do-stuff-on-aws');
      expect(sa.serviceAccountNamespace).toBe('testing');
      expect(sa.roleArn).toBe(`arn:aws:iam::${ACCOUNT}:role/Stack-Irsa-CanDoStuff-BC9DF32D`);
      expect(sa.serviceAccount.name).toBe('can-do-stuff-on-aws');
    });
  });

  describe('trust policy', () => {
    test('with a token issuer is a token-aware JSON string that evaluates to the exact policy', () => {
      // GIVEN
      const stack = testStack();
      const issuerUrl = new CfnParameter(stack, 'IssuerUrl').valueAsString;
      const cluster = new IrsaCluster(stack, 'Irsa', { issuerUrl });

      // WHEN
      cluster.addServiceAccount('CanDoStuff', { namespace: 'testing', name: 'can-do-stuff-on-aws' });

      // THEN
      const { properties } = onlyRole(stack);
      const document = properties.AssumeRolePolicyDocument;
      expect(Object.keys(document)).toEqual(['Fn::Join']);
      const json = evaluateIntrinsics(document, { attributes: { 'IrsaAC15A16C.Arn': IMPORTED_ARN } });
      expect(JSON.parse(json)).toEqual(seedTrustPolicy(IMPORTED_ARN));
    });

    test('with a token issuer also evaluates correctly for another issuer value', () => {
      const stack = testStack();
      const issuerUrl = new CfnParameter(stack, 'IssuerUrl').valueAsString;
      new IrsaCluster(stack, 'Irsa', { issuerUrl }).addServiceAccount('Sa', { namespace: 'ns', name: 'sa' });

      const otherArn = `arn:aws-cn:iam::${ACCOUNT}:oidc-provider/oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC`;
      const json = evaluateIntrinsics(onlyRole(stack).properties.AssumeRolePolicyDocument,
        { attributes: { 'IrsaAC15A16C.Arn': otherArn } });
      expect(JSON.parse(json).Statement[0].Condition).toEqual({
        StringEquals: {
          'oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC:sub': 'system:serviceaccount:ns:sa',
          'oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC:aud': 'sts.amazonaws.com',
        },
      });
    });

    test('with an imported provider names the provider ARN and its issuer literally', () => {
      // GIVEN
      const stack = testStack();
      const cluster = IrsaCluster.fromOidcProviderArn(stack, 'Irsa', IMPORTED_ARN);

      // WHEN
      cluster.addServiceAccount('CanDoStuff', { namespace: 'testing', name: 'can-do-stuff-on-aws' });

      // THEN
      expect(onlyRole(stack).properties.AssumeRolePolicyDocument).toEqual(seedTrustPolicy(IMPORTED_ARN));
    });

    test('with a custom audience conditions on it', () => {
      const stack = testStack();
      const cluster = new IrsaCluster(stack, 'Irsa', { issuerUrl: SEED_ISSUER_URL, clientIds: ['sts.amazonaws.com', 'vault'] });
      cluster.addServiceAccount('Sa', { namespace: 'ns', name: 'sa', audience: 'vault' });
      expect(onlyRole(stack).properties.AssumeRolePolicyDocument.Statement[0].Condition.StringEquals)
        .toEqual({ [`${SEED_ISSUER}:sub`]: 'system:serviceaccount:ns:sa', [`${SEED_ISSUER}:aud`]: 'vault' });
    });

    test.each([
      ['literal issuer', (stack: Stack) => new IrsaCluster(stack, 'Irsa', { issuerUrl: SEED_ISSUER_URL })],
      ['token issuer', (stack: Stack) => new IrsaCluster(stack, 'Irsa', { issuerUrl: new CfnParameter(stack, 'Url').valueAsString })],
      ['imported provider', (stack: Stack) => IrsaCluster.fromOidcProviderArn(stack, 'Irsa', IMPORTED_ARN)],
      ['token provider ARN', (stack: Stack) => IrsaCluster.fromOidcProviderArn(stack, 'Irsa', new CfnParameter(stack, 'Arn').valueAsString)],
    ])('creates no custom resource and no Lambda function (%s)', (_, makeCluster) => {
      // GIVEN
      const stack = testStack();
      const cluster = makeCluster(stack);

      // WHEN
      const sa = cluster.addServiceAccount('Sa', { namespace: 'ns', name: 'sa' });
      new s3.Bucket(stack, 'Bucket').grantRead(sa);

      // THEN
      const types = Object.values(Template.fromStack(stack).toJSON().Resources).map((r: any) => r.Type);
      expect(types.filter(t => t.startsWith('Custom::') || t === 'AWS::Lambda::Function' || t === 'AWS::CloudFormation::CustomResource'))
        .toEqual([]);
      expect(types).toContain('AWS::IAM::Role');
    });
  });

  describe('trusting more ServiceAccounts and clusters', () => {
    const GREEN_ISSUER = 'oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF';
    const GREEN_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/${GREEN_ISSUER}`;

    function blueAndGreen(stack: Stack) {
      const blue = new IrsaCluster(stack, 'Irsa', { issuerUrl: SEED_ISSUER_URL });
      const green = IrsaCluster.fromOidcProviderArn(stack, 'Green', GREEN_ARN);
      const sa = blue.addServiceAccount('CanDoStuff', { namespace: 'testing', name: 'can-do-stuff-on-aws' });
      return { blue, green, sa };
    }

    test('trusts the same ServiceAccount in another cluster, one exact statement per provider', () => {
      // GIVEN
      const stack = testStack();
      const { green, sa } = blueAndGreen(stack);

      // WHEN
      sa.trust(green);

      // THEN
      const [blueStatement, greenStatement] = onlyRole(stack).properties.AssumeRolePolicyDocument.Statement;
      expect(blueStatement).toEqual(seedTrustPolicy({ 'Fn::GetAtt': ['IrsaAC15A16C', 'Arn'] }).Statement[0]);
      expect(greenStatement).toEqual({
        Effect: 'Allow',
        Action: 'sts:AssumeRoleWithWebIdentity',
        Principal: { Federated: GREEN_ARN },
        Condition: {
          StringEquals: {
            [`${GREEN_ISSUER}:sub`]: 'system:serviceaccount:testing:can-do-stuff-on-aws',
            [`${GREEN_ISSUER}:aud`]: 'sts.amazonaws.com',
          },
        },
      });
    });

    test('leaves the role, its name and the manifest unchanged: the same YAML goes to both clusters', () => {
      // GIVEN
      const before = testStack();
      const { sa: unchanged } = blueAndGreen(before);
      const after = testStack();
      const { green, sa } = blueAndGreen(after);

      // WHEN
      sa.trust(green);

      // THEN
      expect(onlyRole(after).logicalId).toBe(onlyRole(before).logicalId);
      expect(onlyRole(after).properties.RoleName).toBe(onlyRole(before).properties.RoleName);
      expect(sa.roleArn).toBe(unchanged.roleArn);
      expect(cdk8s.Testing.synth(sa.chart)).toEqual(cdk8s.Testing.synth(unchanged.chart));
    });

    test('packs more ServiceAccounts of one provider into one statement, without duplicates', () => {
      // GIVEN
      const stack = testStack();
      const { blue, sa } = blueAndGreen(stack);

      // WHEN
      sa.trust(blue, { name: 'reporting' });
      sa.trust(blue, { namespace: 'batch', name: 'nightly' });
      sa.trust(blue);

      // THEN
      expect(onlyRole(stack).properties.AssumeRolePolicyDocument.Statement).toEqual([{
        Effect: 'Allow',
        Action: 'sts:AssumeRoleWithWebIdentity',
        Principal: { Federated: { 'Fn::GetAtt': ['IrsaAC15A16C', 'Arn'] } },
        Condition: {
          StringEquals: {
            [`${SEED_ISSUER}:sub`]: [
              'system:serviceaccount:testing:can-do-stuff-on-aws',
              'system:serviceaccount:testing:reporting',
              'system:serviceaccount:batch:nightly',
            ],
            [`${SEED_ISSUER}:aud`]: 'sts.amazonaws.com',
          },
        },
      }]);
    });

    test('trusts every ServiceAccount of one namespace only when asked by name, in a statement of its own', () => {
      // GIVEN
      const stack = testStack();
      const { blue, sa } = blueAndGreen(stack);

      // WHEN
      sa.trustAllServiceAccountsInNamespace(blue, 'jobs');

      // THEN
      const statements = onlyRole(stack).properties.AssumeRolePolicyDocument.Statement;
      expect(statements.map((s: any) => s.Condition)).toEqual([
        seedTrustPolicy(undefined).Statement[0].Condition,
        {
          StringLike: { [`${SEED_ISSUER}:sub`]: 'system:serviceaccount:jobs:*' },
          StringEquals: { [`${SEED_ISSUER}:aud`]: 'sts.amazonaws.com' },
        },
      ]);
    });

    test('uses this ServiceAccount\'s audience unless told otherwise', () => {
      // GIVEN
      const stack = testStack();
      const blue = new IrsaCluster(stack, 'Irsa', { issuerUrl: SEED_ISSUER_URL, clientIds: ['sts.amazonaws.com', 'vault'] });
      const green = IrsaCluster.fromIrsaClusterAttributes(stack, 'Green', { openIdConnectProviderArn: GREEN_ARN, clientIds: ['vault', 'other'] });
      const sa = blue.addServiceAccount('Sa', { namespace: 'ns', name: 'sa', audience: 'vault' });

      // WHEN
      sa.trust(green);
      sa.trustAllServiceAccountsInNamespace(green, 'jobs', { audience: 'other' });

      // THEN
      const audiences = onlyRole(stack).properties.AssumeRolePolicyDocument.Statement.map((s: any) => s.Condition.StringEquals);
      expect(audiences).toEqual([
        { [`${SEED_ISSUER}:sub`]: 'system:serviceaccount:ns:sa', [`${SEED_ISSUER}:aud`]: 'vault' },
        { [`${GREEN_ISSUER}:sub`]: 'system:serviceaccount:ns:sa', [`${GREEN_ISSUER}:aud`]: 'vault' },
        { [`${GREEN_ISSUER}:aud`]: 'other' },
      ]);
    });

    test('with a token-issuer cluster renders a JSON string that evaluates to both exact statements', () => {
      // GIVEN
      const stack = testStack();
      const { sa } = blueAndGreen(stack);
      const green = new IrsaCluster(stack, 'TokenGreen', { issuerUrl: new CfnParameter(stack, 'GreenUrl').valueAsString });

      // WHEN
      sa.trust(green);

      // THEN
      const json = evaluateIntrinsics(onlyRole(stack).properties.AssumeRolePolicyDocument, {
        attributes: { 'IrsaAC15A16C.Arn': IMPORTED_ARN, 'TokenGreenE44DD815.Arn': GREEN_ARN },
      });
      expect(JSON.parse(json).Statement.map((s: any) => [s.Principal.Federated, s.Condition.StringEquals])).toEqual([
        [IMPORTED_ARN, seedTrustPolicy(undefined).Statement[0].Condition.StringEquals],
        [GREEN_ARN, { [`${GREEN_ISSUER}:sub`]: 'system:serviceaccount:testing:can-do-stuff-on-aws', [`${GREEN_ISSUER}:aud`]: 'sts.amazonaws.com' }],
      ]);
    });

    test('warns when the trust policy is over 2048 characters', () => {
      // GIVEN
      const stack = testStack();
      const { blue, sa } = blueAndGreen(stack);

      // WHEN
      for (let i = 0; i < 40; i++) sa.trust(blue, { name: `service-${i}` });

      // THEN
      Annotations.fromStack(stack).hasWarning('/Stack/Irsa/CanDoStuff/Resource',
        Match.stringLikeRegexp('The trust policy is about \\d+ characters \\(41 subjects\\), over IAM\'s default quota of 2048'));
    });

    test('fails synthesis with the subject count and the quota when the trust policy is over 4096 characters', () => {
      // GIVEN
      const stack = testStack();
      const { blue, sa } = blueAndGreen(stack);

      // WHEN
      for (let i = 0; i < 100; i++) sa.trust(blue, { name: `service-${i}` });

      // THEN
      expect(() => testAppOf(stack).synth()).toThrow(new RegExp('^Validation failed with the following errors:\\n  \\[Stack/Irsa/CanDoStuff/Resource\\] ' +
        "the trust policy of role 'Stack/Irsa/CanDoStuff/Resource' is about \\d+ characters \\(101 subjects\\); " +
        'IAM rejects trust policies over 4096 characters even with a raised quota\\. Split the ServiceAccounts over several roles\\.$',
      ));
    });

    test.each([
      [{ namespace: 'Team' }, `namespace "Team" is not a valid Kubernetes namespace. ${NAMESPACE_FIX}`],
      [{ name: 'Bad_Name' }, `name "Bad_Name" is not a valid Kubernetes ServiceAccount name. ${NAME_FIX}`],
      [{ name: 'team-*' }, 'trust() takes the name of one ServiceAccount, and "team-*" is a wildcard. To let every ServiceAccount of namespace ' +
        '"testing" assume the role, call trustAllServiceAccountsInNamespace(cluster, "testing"); anyone who can create a ServiceAccount there ' +
        'then gets the role, so prefer trust() with each name.'],
      [{ audience: 'vault' }, `audience "vault" is not a client ID of the OIDC provider ("sts.amazonaws.com"), ${AUDIENCE_FIX}`],
      [{ audience: '' }, 'audience "" is 0 characters long; IAM client IDs are 1 to 255 characters.'],
    ])('trust rejects %j', (options, message) => {
      const stack = testStack();
      const { blue, sa } = blueAndGreen(stack);
      expect(() => sa.trust(blue, options)).toThrow(new Error(`IrsaServiceAccount 'Stack/Irsa/CanDoStuff': ${message}`));
    });

    test.each([
      ['*', {}, `namespace "*" is not a valid Kubernetes namespace. ${NAMESPACE_FIX}`],
      ['team*', {}, `namespace "team*" is not a valid Kubernetes namespace. ${NAMESPACE_FIX}`],
      ['jobs', { audience: 'vault' }, `audience "vault" is not a client ID of the OIDC provider ("sts.amazonaws.com"), ${AUDIENCE_FIX}`],
    ])('trustAllServiceAccountsInNamespace rejects namespace %s %j', (namespace, options, message) => {
      const stack = testStack();
      const { blue, sa } = blueAndGreen(stack);
      expect(() => sa.trustAllServiceAccountsInNamespace(blue, namespace, options)).toThrow(new Error(`IrsaServiceAccount 'Stack/Irsa/CanDoStuff': ${message}`));
    });

    test('rejects a namespace or name that is a token', () => {
      const stack = testStack();
      const { blue, sa } = blueAndGreen(stack);
      const value = new CfnParameter(stack, 'P').valueAsString;
      const prefix = "IrsaServiceAccount 'Stack/Irsa/CanDoStuff': ";
      expect(() => sa.trust(blue, { namespace: value })).toThrow(new Error(`${prefix}namespace ${JSON.stringify(value)} is only known at deploy time, but namespace ${LITERAL_FIX}`));
      expect(() => sa.trust(blue, { name: value })).toThrow(new Error(`${prefix}name ${JSON.stringify(value)} is only known at deploy time, but name ${LITERAL_FIX}`));
      expect(() => sa.trustAllServiceAccountsInNamespace(blue, value))
        .toThrow(new Error(`${prefix}namespace ${JSON.stringify(value)} is only known at deploy time, but namespace ${LITERAL_FIX}`));
    });

    describe('trust policy capacity (the numbers in the README)', () => {
      // An EKS issuer (68 characters), a literal provider ARN, namespaces of 10 and names of 20 characters.
      const issuer = (cluster: number) => `oidc.eks.eu-west-2.amazonaws.com/id/${String(cluster).padStart(32, '0')}`;
      const subject = (i: number) => ({ namespace: `team-${String(i).padStart(5, '0')}`, name: `service-account-${String(i).padStart(4, '0')}` });

      /** A role trusting ServiceAccount 0 in each of `clusters` clusters; `add(i)` trusts ServiceAccount i in all of them. */
      function growingRole(clusters: number) {
        const stack = testStack();
        const all = Array.from({ length: clusters }, (_, c) =>
          IrsaCluster.fromOidcProviderArn(stack, `Cluster${c}`, `arn:aws:iam::${ACCOUNT}:oidc-provider/${issuer(c)}`));
        const sa = all[0].addServiceAccount('Sa', { ...subject(0), roleName: 'r' });
        all.slice(1).forEach(cluster => sa.trust(cluster));
        return {
          add: (i: number) => all.forEach(cluster => sa.trust(cluster, subject(i))),
          size: () => JSON.stringify(stack.resolve((sa.role.node.defaultChild as iam.CfnRole).assumeRolePolicyDocument)).length,
        };
      }

      /** How many ServiceAccounts, each trusted in every one of `clusters` clusters, fit under `quota` characters. */
      function fitting(quota: number, clusters: number): number {
        const role = growingRole(clusters);
        let serviceAccounts = 1;
        while (role.size() <= quota) role.add(serviceAccounts++);
        // The last one added went over the quota.
        return serviceAccounts - 1;
      }

      /** The trust policy's length with `serviceAccounts` ServiceAccounts, each trusted in every one of `clusters` clusters. */
      function sizeWith(serviceAccounts: number, clusters: number): number {
        const role = growingRole(clusters);
        for (let i = 1; i < serviceAccounts; i++) role.add(i);
        return role.size();
      }

      test('one subject is about 490 characters, each further subject adds its length plus 3, each further cluster about 450', () => {
        const [one, two, three] = [sizeWith(1, 1), sizeWith(2, 1), sizeWith(3, 1)];
        const subjectLength = 'system:serviceaccount:team-00001:service-account-0001'.length;
        // The second subject also turns the one value into a list: two more characters for its brackets.
        expect([one, two - one, three - two, sizeWith(1, 2) - one]).toEqual([492, subjectLength + 5, subjectLength + 3, 454]);
      });

      test('one cluster: 28 subjects within 2048 characters, 65 within 4096', () => {
        expect([fitting(2048, 1), fitting(4096, 1)]).toEqual([28, 65]);
      });

      test('two clusters (blue/green): 10 ServiceAccounts within 2048 characters, 29 within 4096', () => {
        expect([fitting(2048, 2), fitting(4096, 2)]).toEqual([10, 29]);
      });
    });
  });

  describe('role', () => {
    test('is the principal of grants', () => {
      // GIVEN
      const stack = testStack();
      const { sa } = seed(stack);
      const bucket = new s3.Bucket(stack, 'Bucket');

      // WHEN
      bucket.grantRead(sa);
      sa.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: ['*'] }));

      // THEN
      const { logicalId } = onlyRole(stack);
      Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: logicalId }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Action: ['s3:GetObject*', 's3:GetBucket*', 's3:List*'] }),
            Match.objectLike({ Action: 'sqs:SendMessage' }),
          ]),
        },
      });
      expect(sa.grantPrincipal).toBe(sa.role);
      expect(sa.assumeRoleAction).toBe('sts:AssumeRole');
      expect(stack.resolve(sa.policyFragment.principalJson)).toEqual({ AWS: [{ 'Fn::GetAtt': [logicalId, 'Arn'] }] });
    });

    test('accepts the iam.RoleProps options', () => {
      // GIVEN
      const stack = testStack();
      const boundary = iam.ManagedPolicy.fromManagedPolicyName(stack, 'Boundary', 'boundary');

      // WHEN
      seed(stack, {
        roleName: 'stuff-reader',
        path: '/irsa/',
        description: 'Reads stuff',
        maxSessionDuration: Duration.hours(2),
        permissionsBoundary: boundary,
        managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess')],
        inlinePolicies: {
          logs: new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: ['logs:PutLogEvents'], resources: ['*'] })] }),
        },
      });

      // THEN
      const { properties } = onlyRole(stack);
      expect(properties).toMatchObject({
        RoleName: 'stuff-reader',
        Path: '/irsa/',
        Description: 'Reads stuff',
        MaxSessionDuration: 7200,
        PermissionsBoundary: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${ACCOUNT}:policy/boundary`]] },
        Policies: [{ PolicyName: 'logs' }],
      });
      expect(properties.ManagedPolicyArns).toHaveLength(1);
    });

    test('puts the path and name into the literal ARN', () => {
      const stack = testStack();
      const { sa } = seed(stack, { roleName: 'stuff-reader', path: '/irsa/' });
      expect(sa.roleArn).toBe(`arn:aws:iam::${ACCOUNT}:role/irsa/stuff-reader`);
    });

    test('uses the partition of the region', () => {
      const stack = testStack({ env: { account: ACCOUNT, region: 'cn-north-1' } });
      const { sa } = seed(stack, { roleName: 'r' });
      expect(sa.roleArn).toBe(`arn:aws-cn:iam::${ACCOUNT}:role/r`);
    });

    test('is a token ARN when the stack has no account', () => {
      const stack = testStack({});
      const { sa } = seed(stack);
      const cfnRole = sa.role.node.defaultChild as iam.CfnRole;
      expect(stack.resolve(sa.roleArn)).toEqual({ 'Fn::GetAtt': [stack.getLogicalId(cfnRole), 'Arn'] });
    });
  });

  describe('default role name', () => {
    test('is the same on every synth of the same app', () => {
      const names = [1, 2].map(() => {
        const stack = testStack();
        seed(stack);
        return onlyRole(stack).properties.RoleName;
      });
      expect(names[0]).toBe('Stack-Irsa-CanDoStuff-BC9DF32D');
      expect(names[1]).toBe(names[0]);
    });

    test('differs between regions, because IAM role names are global to the account', () => {
      const names = ['eu-west-2', 'us-east-1'].map(region => {
        const stack = testStack({ env: { account: ACCOUNT, region } });
        seed(stack);
        return onlyRole(stack).properties.RoleName;
      });
      expect(names[0]).not.toBe(names[1]);
    });

    test('fits IAM\'s 64 characters for deep construct paths', () => {
      const stack = testStack();
      const cluster = new IrsaCluster(stack, 'Irsa', { issuerUrl: SEED_ISSUER_URL });
      const sa = cluster.addServiceAccount('AVeryLongConstructIdThatKeepsGoingAndGoingAndGoing', { namespace: 'ns', name: 'sa' });
      const name = onlyRole(stack).properties.RoleName;
      expect(name.length).toBeLessThanOrEqual(64);
      expect(name).toMatch(/^[\w+=,.@-]+$/);
      expect(name).toMatch(/AndGoing-[0-9A-F]{8}$/);
      expect(sa.roleArn).toBe(`arn:aws:iam::${ACCOUNT}:role/${name}`);
    });
  });

  describe('ServiceAccount manifest', () => {
    test('writes the webhook annotations, labels and annotations', () => {
      // GIVEN
      const stack = testStack();
      const cluster = new IrsaCluster(stack, 'Irsa', { issuerUrl: SEED_ISSUER_URL, clientIds: ['sts.amazonaws.com', 'vault'] });

      // WHEN
      const sa = cluster.addServiceAccount('Sa', {
        namespace: 'ns',
        name: 'sa',
        roleName: 'r',
        audience: 'vault',
        stsRegionalEndpoints: true,
        tokenExpiration: Duration.hours(2),
        labels: { 'app.kubernetes.io/name': 'sa' },
        annotations: { 'example.com/owner': 'team-a' },
      });

      // THEN
      expect(cdk8s.Testing.synth(sa.chart)[0].metadata).toEqual({
        name: 'sa',
        namespace: 'ns',
        labels: { 'app.kubernetes.io/name': 'sa' },
        annotations: {
          'example.com/owner': 'team-a',
          'eks.amazonaws.com/role-arn': `arn:aws:iam::${ACCOUNT}:role/r`,
          'eks.amazonaws.com/audience': 'vault',
          'eks.amazonaws.com/sts-regional-endpoints': 'true',
          'eks.amazonaws.com/token-expiration': '7200',
        },
      });
    });

    test('writes no audience annotation for the default audience', () => {
      const stack = testStack();
      const { sa } = seed(stack, { stsRegionalEndpoints: false });
      expect(cdk8s.Testing.synth(sa.chart)[0].metadata.annotations).toEqual({
        'eks.amazonaws.com/role-arn': sa.roleArn,
        'eks.amazonaws.com/sts-regional-endpoints': 'false',
      });
    });

    test('goes into the user\'s chart, next to a workload that uses it, and takes the chart\'s namespace', () => {
      // GIVEN
      const stack = testStack();
      const cluster = new IrsaCluster(stack, 'Irsa', { issuerUrl: SEED_ISSUER_URL });
      const chart = new cdk8s.Chart(new cdk8s.App(), 'workloads', { namespace: 'payments' });

      // WHEN
      const sa = cluster.addServiceAccount('Sa', { name: 'ledger', chart });
      new kplus.Deployment(chart, 'Ledger', {
        serviceAccount: sa.serviceAccount,
        containers: [{ image: 'public.ecr.aws/docker/library/busybox:stable', securityContext: { ensureNonRoot: false } }],
      });

      // THEN
      expect(sa.chart).toBe(chart);
      expect(sa.serviceAccountNamespace).toBe('payments');
      const manifests = writtenManifests(stack)['Stack.workloads.k8s.yaml'];
      expect(manifests.map(m => m.kind)).toEqual(['ServiceAccount', 'Deployment']);
      expect(manifests[0].metadata.namespace).toBe('payments');
      expect(manifests[1].spec.template.spec.serviceAccountName).toBe('ledger');
      expect(onlyRole(stack).properties.AssumeRolePolicyDocument.Statement[0].Condition.StringEquals[`${SEED_ISSUER}:sub`])
        .toBe('system:serviceaccount:payments:ledger');
    });

    test('is written to the cloud assembly directory on synth', () => {
      // GIVEN
      const stack = testStack();
      const { sa } = seed(stack);

      // WHEN
      const manifests = writtenManifests(stack);

      // THEN
      expect(Object.keys(manifests)).toEqual(['Stack.Irsa.k8s.yaml']);
      expect(manifests['Stack.Irsa.k8s.yaml']).toEqual(cdk8s.Testing.synth(sa.chart));
    });

    test('shares one file per chart between ServiceAccounts', () => {
      const stack = testStack();
      const cluster = new IrsaCluster(stack, 'Irsa', { issuerUrl: SEED_ISSUER_URL });
      const chart = new cdk8s.Chart(new cdk8s.App(), 'workloads');
      cluster.addServiceAccount('A', { namespace: 'ns', name: 'a', chart });
      cluster.addServiceAccount('B', { namespace: 'ns', name: 'b', chart });
      const manifests = writtenManifests(stack);
      expect(Object.keys(manifests)).toEqual(['Stack.workloads.k8s.yaml']);
      expect(manifests['Stack.workloads.k8s.yaml'].map(m => m.metadata.name)).toEqual(['a', 'b']);
    });

    test('shares one default chart per cluster and stack: one file for all the cluster\'s ServiceAccounts without a chart', () => {
      // GIVEN two clusters in a stack, and a second stack using the first cluster
      const stack = testStack();
      const blue = new IrsaCluster(stack, 'Blue', { issuerUrl: SEED_ISSUER_URL });
      const green = new IrsaCluster(stack, 'Green', { issuerUrl: `${SEED_ISSUER_URL}0` });
      const other = new Stack(testAppOf(stack), 'Other', { env: ENV });

      // WHEN ServiceAccounts are created every way there is
      const a = blue.addServiceAccount('A', { namespace: 'ns', name: 'a' });
      new IrsaServiceAccount(stack, 'B', { cluster: blue, namespace: 'shop', name: 'b' });
      green.addServiceAccount('C', { namespace: 'ns', name: 'c' });
      const d = new IrsaServiceAccount(other, 'D', { cluster: blue, namespace: 'ns', name: 'd' });
      const e = blue.addServiceAccount('E', { name: 'e' });

      // THEN
      expect(e.chart).toBe(a.chart);
      expect(d.chart).not.toBe(a.chart);
      const names = (file: string, dir: string) => YAML.parseAllDocuments(fs.readFileSync(path.join(dir, file), 'utf8'))
        .map(doc => doc.toJSON()).map(m => `${m.kind} ${m.metadata.namespace}/${m.metadata.name}`);
      const dir = testAppOf(stack).synth().directory;
      expect(fs.readdirSync(dir).filter(f => f.endsWith('.k8s.yaml')).sort())
        .toEqual(['Other.Stack-Blue.k8s.yaml', 'Stack.Blue.k8s.yaml', 'Stack.Green.k8s.yaml']);
      expect(names('Stack.Blue.k8s.yaml', dir)).toEqual(['ServiceAccount ns/a', 'ServiceAccount shop/b', 'ServiceAccount default/e']);
      expect(names('Stack.Green.k8s.yaml', dir)).toEqual(['ServiceAccount ns/c']);
      expect(names('Other.Stack-Blue.k8s.yaml', dir)).toEqual(['ServiceAccount ns/d']);
    });

    test('writes 499 ServiceAccounts of one stack to one file: 499 roles and the provider are 500 resources', () => {
      // GIVEN
      const stack = testStack();
      const cluster = new IrsaCluster(stack, 'Irsa', { issuerUrl: SEED_ISSUER_URL });

      // WHEN
      for (let i = 0; i < 499; i++) cluster.addServiceAccount(`Sa${i}`, { namespace: `ns-${i % 10}`, name: `service-account-${i}` });

      // THEN
      const resources = Object.values(Template.fromStack(stack).toJSON().Resources) as Array<{ Type: string }>;
      expect(resources).toHaveLength(500);
      expect(resources.filter(r => r.Type === 'AWS::IAM::Role')).toHaveLength(499);
      const manifests = writtenManifests(stack);
      expect(Object.keys(manifests)).toEqual(['Stack.Irsa.k8s.yaml']);
      expect(manifests['Stack.Irsa.k8s.yaml']).toHaveLength(499);
    });

    test('rejects the same name and namespace twice in a cluster\'s default chart', () => {
      const stack = testStack();
      const cluster = new IrsaCluster(stack, 'Irsa', { issuerUrl: SEED_ISSUER_URL });
      cluster.addServiceAccount('First', { namespace: 'ns', name: 'sa' });
      expect(() => new IrsaServiceAccount(stack, 'Second', { cluster, namespace: 'ns', name: 'sa' })).toThrow(
        new Error("IrsaServiceAccount 'Stack/Second': " + "ServiceAccount \"sa\" in namespace \"ns\" of cluster 'Stack/Irsa' already belongs to 'Stack/Irsa/First'. A ServiceAccount has one owner: two would each set " +
          "its role, the last deploy would win, and removing either would delete it for both. Use another name, or give 'Stack/Irsa/First' the permissions instead."),
      );
    });

    test('puts ServiceAccounts before the workloads that use them, even a Deployment added to the chart first', () => {
      // GIVEN a Deployment that runs as "ledger", added before the ServiceAccount exists
      const stack = testStack();
      const cluster = new IrsaCluster(stack, 'Irsa', { issuerUrl: SEED_ISSUER_URL });
      const chart = new cdk8s.Chart(new cdk8s.App(), 'workloads', { namespace: 'payments' });
      deploymentRunningAs(chart, 'ledger');

      // WHEN
      cluster.addServiceAccount('Sa', { name: 'ledger', chart });

      // THEN
      const manifests = writtenManifests(stack)['Stack.workloads.k8s.yaml'];
      expect(manifests.map(m => `${m.kind} ${m.metadata.name}`)).toEqual(['ServiceAccount ledger', 'Deployment ledger-app']);
    });

    test('fails synthesis with the fix when the role ARN is not known and no cluster applies the chart', () => {
      // GIVEN
      const stack = testStack({});

      // WHEN
      seed(stack);

      // THEN
      expect(() => testAppOf(stack).synth()).toThrow(new Error('Validation failed with the following errors:\n  [Stack/Irsa.k8s.yaml] ' +
        'ServiceAccount "testing/can-do-stuff-on-aws" (Stack/Irsa/CanDoStuff) cannot be written to Stack.Irsa.k8s.yaml: its role ARN ' +
        "is only known at deploy time because stack 'Stack' has no concrete account (env.account). Set env: { account, region } on the stack. " +
        'To apply the chart on deploy instead, pass `cluster` (an aws-eks cluster with kubectl access) or `eksV2Cluster` to IrsaCluster \'Stack/Irsa\'.'));
    });

    test('fails synthesis when the user\'s chart holds deploy-time values and no cluster applies it', () => {
      const stack = testStack();
      const cluster = new IrsaCluster(stack, 'Irsa', { issuerUrl: SEED_ISSUER_URL });
      const chart = new cdk8s.Chart(new cdk8s.App(), 'workloads');
      cluster.addServiceAccount('Sa', { namespace: 'ns', name: 'sa', chart });
      new cdk8s.ApiObject(chart, 'Config', {
        apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { bucket: new s3.Bucket(stack, 'B').bucketName },
      });
      expect(() => testAppOf(stack).synth()).toThrow(new Error('Validation failed with the following errors:\n  [Stack/workloads.k8s.yaml] ' +
        "the chart 'workloads' cannot be written to Stack.workloads.k8s.yaml, because a file cannot hold a value that is only known at " +
        'deploy time (a CDK token), and ConfigMap "c" holds one at data.bucket. Use a literal value there. To apply the chart on deploy ' +
        "instead, pass `cluster` (an aws-eks cluster with kubectl access) or `eksV2Cluster` to IrsaCluster 'Stack/Irsa'."));
    });

    describe('a deploy-time value in a chart names the object, the field and why no cluster applies the chart', () => {
      const WRITE = "the default chart of cluster 'Stack/Irsa' cannot be written to Stack.Irsa.k8s.yaml, because a file cannot hold a value " +
        'that is only known at deploy time (a CDK token), and ConfigMap "shop/settings" holds one at data.QUEUE_URL. Use a literal value there. ' +
        'To apply the chart on deploy instead, ';
      /** An imported queue's URL carries AWS::URLSuffix, so it is a token even with a concrete account and region. */
      const addSettings = (stack: Stack, sa: IrsaServiceAccount) => new kplus.ConfigMap(sa.chart, 'settings', {
        metadata: { namespace: 'shop', name: 'settings' },
        data: { QUEUE_URL: sqs.Queue.fromQueueArn(stack, 'Queue', `arn:aws:sqs:eu-west-2:${ACCOUNT}:orders`).queueUrl },
      });
      const synthError = (stack: Stack) => {
        try {
          testAppOf(stack).synth();
        } catch (e) {
          return (e as Error).message;
        }
        return 'no error';
      };
      const KUBECTL_V1 = 'import it with kubectlRoleArn (a role allowed to apply manifests in the cluster, through aws-auth or an access entry) and ' +
        'kubectlLayer (a Lambda layer with kubectl, such as KubectlV33Layer from @aws-cdk/lambda-layer-kubectl-v33), or with kubectlProvider.';

      test('an imported aws-eks cluster without kubectl access', () => {
        const stack = testStack();
        const cluster = eks.Cluster.fromClusterAttributes(stack, 'Cluster', { clusterName: 'prod' });
        const irsa = new IrsaCluster(stack, 'Irsa', { cluster, issuerUrl: SEED_ISSUER_URL });
        addSettings(stack, irsa.addServiceAccount('App', { namespace: 'shop', name: 'app' }));
        expect(synthError(stack)).toBe('Validation failed with the following errors:\n  [Stack/Irsa.k8s.yaml] ' + WRITE +
          `give cluster 'Stack/Cluster' kubectl access, which aws-cdk-lib needs to run kubectl on deploy: ${KUBECTL_V1}`);
      });

      test('an imported aws-eks-v2 cluster without a kubectl provider', () => {
        const stack = testStack();
        const cluster = eksv2.Cluster.fromClusterAttributes(stack, 'Cluster', { clusterName: 'prod' });
        const irsa = new IrsaCluster(stack, 'Irsa', { eksV2Cluster: cluster, issuerUrl: SEED_ISSUER_URL });
        addSettings(stack, irsa.addServiceAccount('App', { namespace: 'shop', name: 'app' }));
        expect(synthError(stack)).toBe('Validation failed with the following errors:\n  [Stack/Irsa.k8s.yaml] ' + WRITE +
          "give cluster 'Stack/Cluster' kubectl access, which aws-cdk-lib needs to run kubectl on deploy: define or import it with " +
          'kubectlProviderOptions (a kubectlLayer, and a role allowed to apply manifests in the cluster through an access entry), or import it with kubectlProvider.');
      });

      test('applyManifests: false', () => {
        const stack = testStack();
        const cluster = eks.Cluster.fromClusterAttributes(stack, 'Cluster', { clusterName: 'prod', kubectlRoleArn: `arn:aws:iam::${ACCOUNT}:role/kubectl` });
        const irsa = new IrsaCluster(stack, 'Irsa', { cluster, issuerUrl: SEED_ISSUER_URL, applyManifests: false });
        addSettings(stack, irsa.addServiceAccount('App', { namespace: 'shop', name: 'app' }));
        expect(synthError(stack)).toBe('Validation failed with the following errors:\n  [Stack/Irsa.k8s.yaml] ' + WRITE +
          "leave out applyManifests: false on IrsaCluster 'Stack/Irsa'.");
      });

      test('an imported provider without kubectlCluster', () => {
        const stack = testStack();
        const irsa = IrsaCluster.fromIrsaClusterAttributes(stack, 'Irsa', { openIdConnectProviderArn: IMPORTED_ARN });
        addSettings(stack, irsa.addServiceAccount('App', { namespace: 'shop', name: 'app' }));
        expect(synthError(stack)).toBe('Validation failed with the following errors:\n  [Stack/Irsa.k8s.yaml] ' + WRITE +
          "pass kubectlCluster (an aws-eks cluster with kubectl access) or eksV2KubectlCluster to IrsaCluster.fromIrsaClusterAttributes for 'Stack/Irsa'.");
      });
    });
  });

  describe('applied by an aws-eks-v2 cluster with a kubectl provider', () => {
    const kubectlProviderOptions = (stack: Stack) => ({
      kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(stack, 'KubectlLayer', `arn:aws:lambda:eu-west-2:${ACCOUNT}:layer:kubectl:1`),
    });

    test('applies the whole chart through the cluster\'s kubectl provider, once the role exists', () => {
      // GIVEN a cluster of this app, whose issuer is a token
      const stack = testStack();
      const v2 = new eksv2.Cluster(stack, 'Eks', { version: eksv2.KubernetesVersion.V1_33, kubectlProviderOptions: kubectlProviderOptions(stack) });
      const cluster = new IrsaCluster(stack, 'Irsa', { eksV2Cluster: v2 });
      const chart = new cdk8s.Chart(new cdk8s.App(), 'workloads');
      new kplus.Deployment(chart, 'App', { containers: [{ image: 'public.ecr.aws/docker/library/busybox:stable', securityContext: { ensureNonRoot: false } }] });

      // WHEN the ServiceAccount comes after a Deployment
      const sa = cluster.addServiceAccount('Sa', { namespace: 'ns', name: 'sa', chart });

      // THEN
      const template = Template.fromStack(stack);
      const manifests = Object.values(template.findResources('Custom::AWSCDK-EKS-KubernetesResource'));
      const applied = manifests.flatMap(m => JSON.parse(m.Properties.Manifest));
      expect(applied.map((m: any) => m.kind).sort()).toEqual(['Deployment', 'ServiceAccount']);
      expect(applied.find((m: any) => m.kind === 'ServiceAccount').metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': sa.roleArn });
      const account = manifests.find(m => m.Properties.Manifest.includes('"ServiceAccount"'))!;
      expect(account.DependsOn).toEqual(expect.arrayContaining([stack.getLogicalId(sa.role.node.defaultChild as iam.CfnRole)]));
      expect(cluster.eksV2KubectlCluster).toBe(v2);
    });

    test('only writes the manifest for a cluster without a kubectl provider, and says how to get one when asked to apply', () => {
      const stack = testStack();
      const v2 = new eksv2.Cluster(stack, 'Eks', { version: eksv2.KubernetesVersion.V1_33 });
      const cluster = new IrsaCluster(stack, 'Irsa', { eksV2Cluster: v2 });
      cluster.addServiceAccount('Sa', { namespace: 'ns', name: 'sa' });
      Template.fromStack(stack).resourceCountIs('Custom::AWSCDK-EKS-KubernetesResource', 0);
      expect(Object.keys(writtenManifests(stack))).toEqual(['Stack.Irsa.k8s.yaml']);

      const other = testStack();
      const bare = eksv2.Cluster.fromClusterAttributes(other, 'Eks', { clusterName: 'prod' });
      expect(() => new IrsaCluster(other, 'Irsa', { issuerUrl: SEED_ISSUER_URL, eksV2Cluster: bare, applyManifests: true })).toThrow(new Error(
        "IrsaCluster 'Stack/Irsa': applyManifests is true but cluster 'Stack/Eks' has no kubectl access. Define it with kubectlProviderOptions " +
        '(or import it with kubectlProvider), or leave applyManifests out to only write the manifests to the cloud assembly.'));
    });

    test('applies through an aws-eks-v2 cluster given with an imported provider', () => {
      const stack = testStack();
      const kubectlProvider = eksv2.KubectlProvider.fromKubectlProviderAttributes(stack, 'Kubectl', {
        serviceToken: `arn:aws:lambda:eu-west-2:${ACCOUNT}:function:kubectl`, role: iam.Role.fromRoleName(stack, 'KubectlRole', 'kubectl'),
      });
      const v2 = eksv2.Cluster.fromClusterAttributes(stack, 'Eks', { clusterName: 'prod', kubectlProvider });
      const imported = IrsaCluster.fromIrsaClusterAttributes(stack, 'Irsa', {
        openIdConnectProviderArn: `arn:aws:iam::${ACCOUNT}:oidc-provider/${SEED_ISSUER}`, eksV2KubectlCluster: v2,
      });
      imported.addServiceAccount('Sa', { namespace: 'ns', name: 'sa', identity: ServiceAccountIdentity.IRSA_AND_POD_IDENTITY });
      const template = Template.fromStack(stack);
      template.resourceCountIs('Custom::AWSCDK-EKS-KubernetesResource', 1);
      template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { ClusterName: 'prod', Namespace: 'ns', ServiceAccount: 'sa' });
    });
  });

  describe('applied by a cluster with kubectl access', () => {
    function importedCluster(stack: Stack) {
      return eks.Cluster.fromClusterAttributes(stack, 'Eks', {
        clusterName: 'prod',
        kubectlRoleArn: `arn:aws:iam::${ACCOUNT}:role/kubectl`,
        kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(stack, 'KubectlLayer', `arn:aws:lambda:eu-west-2:${ACCOUNT}:layer:kubectl:1`),
      });
    }

    test('applies the whole chart, including resources added after the ServiceAccount, once the role exists', () => {
      // GIVEN
      const stack = testStack();
      const cluster = new IrsaCluster(stack, 'Irsa', { issuerUrl: SEED_ISSUER_URL, cluster: importedCluster(stack) });
      const chart = new cdk8s.Chart(new cdk8s.App(), 'workloads');
      const sa = cluster.addServiceAccount('Sa', { namespace: 'ns', name: 'sa', chart });

      // WHEN
      new kplus.Deployment(chart, 'App', {
        serviceAccount: sa.serviceAccount,
        containers: [{ image: 'public.ecr.aws/docker/library/busybox:stable', securityContext: { ensureNonRoot: false } }],
      });

      // THEN
      const manifests = appliedManifests(stack);
      // The Deployment has no namespace, so kubectl puts it in "default", and so does the plan.
      const deployment = Object.keys(manifests).find(p => p.startsWith('Eks.manifests/Objects/default:'))!;
      expect(manifests).toEqual({
        'Eks.manifests/ServiceAccounts/ns:sa': { objects: ['ServiceAccount ns/sa'], dependsOn: ['Irsa/Sa'], overwrite: true, prunes: false },
        [deployment]: { objects: [expect.stringMatching(/^Deployment \/workloads-app-/)], dependsOn: ['Eks.manifests/ServiceAccounts/ns:sa'], overwrite: true, prunes: true },
      });
      expect(sa.serviceAccountAnnotations['eks.amazonaws.com/role-arn']).toBe(sa.roleArn);
      expect(Object.keys(writtenManifests(stack))).toEqual(['Stack.workloads.k8s.yaml']);
    });

    test('applies the chart through an eks.Cluster defined in the app, whose issuer is a token', () => {
      // GIVEN
      const stack = testStack();
      const eksCluster = new eks.Cluster(stack, 'Eks', {
        version: eks.KubernetesVersion.V1_33,
        kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(stack, 'KubectlLayer', `arn:aws:lambda:eu-west-2:${ACCOUNT}:layer:kubectl:1`),
        defaultCapacity: 0,
      });
      const cluster = new IrsaCluster(stack, 'Irsa', { cluster: eksCluster });

      // WHEN
      const sa = cluster.addServiceAccount('Sa', { namespace: 'ns', name: 'sa' });

      // THEN
      const template = Template.fromStack(stack);
      const [manifest] = Object.values(template.findResources('Custom::AWSCDK-EKS-KubernetesResource'));
      const applied = JSON.parse(manifest.Properties.Manifest);
      expect(applied.map((m: any) => [m.kind, m.metadata.name, m.metadata.annotations])).toEqual([
        ['ServiceAccount', 'sa', { 'eks.amazonaws.com/role-arn': sa.roleArn }],
      ]);
      const roleId = stack.getLogicalId(sa.role.node.defaultChild as iam.CfnRole);
      expect(manifest.DependsOn).toEqual(expect.arrayContaining([roleId]));
      expect(Object.keys(template.toJSON().Resources[roleId].Properties.AssumeRolePolicyDocument)).toEqual(['Fn::Join']);
    });

    test('uses the role ARN token when the stack has no account, and writes no file', () => {
      // GIVEN
      const stack = testStack({});
      const cluster = new IrsaCluster(stack, 'Irsa', { issuerUrl: SEED_ISSUER_URL, cluster: importedCluster(stack) });

      // WHEN
      cluster.addServiceAccount('Sa', { namespace: 'ns', name: 'sa' });

      // THEN
      const template = Template.fromStack(stack);
      const [manifest] = Object.values(template.findResources('Custom::AWSCDK-EKS-KubernetesResource'));
      const json = evaluateIntrinsics(manifest.Properties.Manifest, { attributes: { [`${onlyRole(stack).logicalId}.Arn`]: 'arn:aws:iam::1:role/x' } });
      expect(JSON.parse(json)[0].metadata.annotations['eks.amazonaws.com/role-arn']).toBe('arn:aws:iam::1:role/x');
      expect(writtenManifests(stack)).toEqual({});
      Annotations.fromStack(stack).hasInfo('*', Match.stringLikeRegexp('Stack.Irsa.k8s.yaml is not written to the cloud assembly'));
    });

    test('rejects one chart for two clusters', () => {
      const stack = testStack();
      const chart = new cdk8s.Chart(new cdk8s.App(), 'workloads');
      const blue = new IrsaCluster(stack, 'Blue', { issuerUrl: SEED_ISSUER_URL, cluster: importedCluster(stack) });
      const other = eks.Cluster.fromClusterAttributes(stack, 'Other', { clusterName: 'b', kubectlRoleArn: `arn:aws:iam::${ACCOUNT}:role/k` });
      const green = new IrsaCluster(stack, 'Green', { issuerUrl: `${SEED_ISSUER_URL}0`, cluster: other });
      blue.addServiceAccount('Sa', { namespace: 'ns', name: 'a', chart });
      expect(() => green.addServiceAccount('Sa', { namespace: 'ns', name: 'b', chart }))
        .toThrow(new Error("IrsaServiceAccount 'Stack/Green/Sa': the chart 'workloads' is already applied to cluster 'Stack/Eks', not 'Stack/Other'. Use one chart per cluster."));
    });

    test('applies each ServiceAccount of a cluster\'s default chart with a manifest of its own, after its role', () => {
      // GIVEN
      const stack = testStack();
      const cluster = new IrsaCluster(stack, 'Irsa', { issuerUrl: SEED_ISSUER_URL, cluster: importedCluster(stack) });

      // WHEN
      const accounts = [0, 1, 2].map(i => cluster.addServiceAccount(`Sa${i}`, { namespace: 'ns', name: `sa-${i}` }));

      // THEN
      expect(appliedManifests(stack)).toEqual(Object.fromEntries(accounts.map((_, i) => [`Eks.manifests/ServiceAccounts/ns:sa-${i}`, {
        objects: [`ServiceAccount ns/sa-${i}`], dependsOn: [`Irsa/Sa${i}`], overwrite: true, prunes: false,
      }])));
    });

    test('applies ServiceAccounts before the workloads that use them, even a Deployment added to the chart first', () => {
      // GIVEN
      const stack = testStack();
      const cluster = new IrsaCluster(stack, 'Irsa', { issuerUrl: SEED_ISSUER_URL, cluster: importedCluster(stack) });
      const chart = new cdk8s.Chart(new cdk8s.App(), 'workloads', { namespace: 'payments' });
      deploymentRunningAs(chart, 'ledger');

      // WHEN
      cluster.addServiceAccount('Sa', { name: 'ledger', chart });

      // THEN
      const manifests = Object.values(appliedManifests(stack));
      expect(manifests.map(m => [m.objects, m.dependsOn])).toEqual([
        [['ServiceAccount payments/ledger'], ['Irsa/Sa']],
        [['Deployment payments/ledger-app'], ['Eks.manifests/ServiceAccounts/payments:ledger']],
      ]);
    });

    test('applies 249 ServiceAccounts from one stack: 249 roles, 249 manifests, the provider and the kubectl stack are 500 resources', () => {
      // GIVEN
      const stack = testStack();
      const cluster = new IrsaCluster(stack, 'Irsa', { issuerUrl: SEED_ISSUER_URL, cluster: importedCluster(stack) });

      // WHEN
      for (let i = 0; i < 249; i++) cluster.addServiceAccount(`Sa${i}`, { namespace: `ns-${i % 10}`, name: `service-account-${i}` });

      // THEN
      const resources = Object.values(Template.fromStack(stack).toJSON().Resources) as Array<{ Type: string }>;
      const count = (type: string) => resources.filter(r => r.Type === type).length;
      expect(resources).toHaveLength(500);
      expect([count('AWS::IAM::Role'), count('AWS::IAM::OIDCProvider'), count('Custom::AWSCDK-EKS-KubernetesResource'), count('AWS::CloudFormation::Stack')])
        .toEqual([249, 1, 249, 1]);
    });

    test.each([
      ['Deployment', 'apps/v1', { template: { spec: { serviceAccountName: 'agent' } } }],
      ['StatefulSet', 'apps/v1', { template: { spec: { serviceAccountName: 'agent' } } }],
      ['DaemonSet', 'apps/v1', { template: { spec: { serviceAccountName: 'agent' } } }],
      ['ReplicaSet', 'apps/v1', { template: { spec: { serviceAccountName: 'agent' } } }],
      ['Job', 'batch/v1', { template: { spec: { serviceAccountName: 'agent' } } }],
      ['CronJob', 'batch/v1', { jobTemplate: { spec: { template: { spec: { serviceAccountName: 'agent' } } } } }],
      ['Pod', 'v1', { serviceAccountName: 'agent' }],
    ])('applies a %s in another chart of the cluster after the ServiceAccount it runs as', (kind, apiVersion, spec) => {
      // GIVEN the ServiceAccount in the default chart, the workload in a chart of its own
      const stack = testStack();
      const cluster = new IrsaCluster(stack, 'Irsa', { issuerUrl: SEED_ISSUER_URL, cluster: importedCluster(stack) });
      cluster.addServiceAccount('Agent', { namespace: 'monitoring', name: 'agent' });
      const chart = new cdk8s.Chart(new cdk8s.App(), 'workloads', { namespace: 'monitoring' });
      cluster.addServiceAccount('Other', { name: 'other', chart });

      // WHEN
      new cdk8s.ApiObject(chart, 'Workload', { apiVersion, kind, metadata: { name: 'workload' }, spec });

      // THEN
      const [workload] = Object.values(appliedManifests(stack)).filter(m => m.objects.includes(`${kind} monitoring/workload`));
      expect(workload.dependsOn).toEqual(expect.arrayContaining(['Eks.manifests/ServiceAccounts/monitoring:agent']));
    });

    test('makes a manifest or cdk8s chart the cluster applies otherwise wait, when it runs as one of the ServiceAccounts', () => {
      // GIVEN
      const stack = testStack();
      const eksCluster = importedCluster(stack);
      const cluster = new IrsaCluster(stack, 'Irsa', { issuerUrl: SEED_ISSUER_URL, cluster: eksCluster });
      cluster.addServiceAccount('Agent', { namespace: 'monitoring', name: 'agent' });
      const pod = (name: string, serviceAccountName: string) => ({
        apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'monitoring' }, spec: { serviceAccountName, containers: [{ name: 'c', image: 'c' }] },
      });
      const chart = new cdk8s.Chart(new cdk8s.App(), 'addons');
      new cdk8s.ApiObject(chart, 'Collector', pod('collector', 'agent'));

      // WHEN
      const runsAsAgent = eksCluster.addManifest('Scraper', pod('scraper', 'agent'));
      const runsAsOther = eksCluster.addManifest('Other', pod('other', 'default'));
      const cdk8sChart = eksCluster.addCdk8sChart('Addons', chart);

      // THEN
      const resources = Template.fromStack(stack).toJSON().Resources;
      const dependsOn = (construct: Construct) => resources[stack.getLogicalId(construct.node.defaultChild as CfnResource)].DependsOn ?? [];
      const manifestId = Object.keys(resources).find(id => id.startsWith('EksmanifestsServiceAccountsmonitoringagent'))!;
      expect(dependsOn(runsAsAgent)).toContain(manifestId);
      expect(dependsOn(cdk8sChart)).toContain(manifestId);
      expect(dependsOn(runsAsOther)).not.toContain(manifestId);
    });

    test('applyBefore() makes a Helm chart that runs as the ServiceAccount wait until it is applied', () => {
      // GIVEN
      const stack = testStack();
      const eksCluster = importedCluster(stack);
      const cluster = new IrsaCluster(stack, 'Irsa', { issuerUrl: SEED_ISSUER_URL, cluster: eksCluster });
      const sa = cluster.addServiceAccount('Sa', { namespace: 'monitoring', name: 'agent' });
      const helm = new eks.HelmChart(stack, 'Agent', { cluster: eksCluster, chart: 'agent', values: { serviceAccount: { create: false, name: 'agent' } } });

      // WHEN
      sa.applyBefore(helm);

      // THEN
      const resources = Template.fromStack(stack).toJSON().Resources;
      const helmId = stack.getLogicalId(helm.node.defaultChild as CfnResource);
      const manifestId = Object.keys(resources).find(id => id.startsWith('EksmanifestsServiceAccountsmonitoringagent'))!;
      expect(resources[helmId].DependsOn).toEqual([manifestId]);
    });

    test('applyBefore() is refused when no cluster applies the ServiceAccount', () => {
      const stack = testStack();
      const sa = new IrsaCluster(stack, 'Irsa', { issuerUrl: SEED_ISSUER_URL }).addServiceAccount('Sa', { namespace: 'ns', name: 'sa' });
      expect(() => sa.applyBefore(new Construct(stack, 'Helm'))).toThrow("IrsaServiceAccount 'Stack/Irsa/Sa': applyBefore() orders a " +
        'deploy after the ServiceAccount is applied, but no cluster applies it on deploy: its manifest is only written to ' +
        'Stack.Irsa.k8s.yaml. To apply the chart on deploy instead, pass');
    });

    test('waits for the EKS Pod Identity association as well as the role', () => {
      const stack = testStack();
      const cluster = new IrsaCluster(stack, 'Irsa', { issuerUrl: SEED_ISSUER_URL, cluster: importedCluster(stack) });
      cluster.addServiceAccount('Sa', { namespace: 'ns', name: 'sa', identity: ServiceAccountIdentity.IRSA_AND_POD_IDENTITY });
      expect(appliedManifests(stack)['Eks.manifests/ServiceAccounts/ns:sa'].dependsOn).toEqual(['Irsa/Sa', 'Irsa/Sa/PodIdentityAssociation']);
    });

    test('leaves every manifest as it was when objects are added before, between and after the others, or grow past 200 KiB', () => {
      // GIVEN large ServiceAccounts (about 60 KB each) and ConfigMaps in one chart, then more of both around them
      function manifestsWith(names: string[], largeSettings: boolean) {
        const stack = testStack();
        const cluster = new IrsaCluster(stack, 'Irsa', { issuerUrl: SEED_ISSUER_URL, cluster: importedCluster(stack) });
        const chart = new cdk8s.Chart(new cdk8s.App(), 'workloads', { namespace: 'ns' });
        for (const name of names) {
          cluster.addServiceAccount(`Sa-${name}`, { name, chart, annotations: { 'example.com/notes': 'x'.repeat(60_000) } });
          new kplus.ConfigMap(chart, `Settings-${name}`, { metadata: { name: `${name}-settings` }, data: { notes: 'y'.repeat(largeSettings ? 60_000 : 10) } });
        }
        return appliedManifests(stack);
      }
      const before = manifestsWith(['b', 'd', 'f'], false);

      // WHEN
      const after = manifestsWith(['a', 'b', 'c', 'd', 'e', 'f', 'g'], false);
      const grown = manifestsWith(['b', 'd', 'f'], true);

      // THEN each ServiceAccount keeps its manifest, unchanged; a ConfigMap keeps its manifest, beside the new ones
      for (const [resource, manifest] of Object.entries(before)) {
        if (resource.includes('/ServiceAccounts/')) expect(after[resource]).toEqual(manifest);
        else for (const object of manifest.objects) expect(after[resource].objects).toContain(object);
        expect(Object.keys(grown)).toContain(resource);
      }
      expect(Object.keys(after).filter(p => p.includes('/ServiceAccounts/'))).toHaveLength(7);
    });

    test('warns about a manifest that is too large for one request', () => {
      const stack = testStack();
      const cluster = new IrsaCluster(stack, 'Irsa', { issuerUrl: SEED_ISSUER_URL, cluster: importedCluster(stack) });
      cluster.addServiceAccount('Sa', { namespace: 'ns', name: 'huge', annotations: { 'example.com/notes': 'x'.repeat(210_000) } });
      Annotations.fromStack(stack).hasWarning('/Stack/Eks.manifests', 'ServiceAccount "ns/huge" is about 210377 bytes, more than one ' +
        'manifest resource takes (204800); an update, which sends the manifest twice, fails above Lambda\'s 1 MB limit for asynchronous ' +
        'requests. [ack: cdk-irsa:manifestSize]');
    });

    test('refuses one object in two charts applied to the same cluster from one stack', () => {
      const stack = testStack();
      const cluster = new IrsaCluster(stack, 'Irsa', { issuerUrl: SEED_ISSUER_URL, cluster: importedCluster(stack) });
      const [first, second] = ['first', 'second'].map(id => new cdk8s.Chart(new cdk8s.App(), id, { namespace: 'ns' }));
      cluster.addServiceAccount('A', { name: 'a', chart: first });
      cluster.addServiceAccount('B', { name: 'b', chart: second });
      for (const chart of [first, second]) new kplus.ConfigMap(chart, 'Settings', { metadata: { name: 'settings' } });
      expect(() => Template.fromStack(stack)).toThrow("IrsaServiceAccount 'Stack/second.k8s.yaml': the chart 'second' and the chart " +
        "'first' both hold ConfigMap \"settings\" in namespace \"ns\", applied to cluster 'Stack/Eks' from stack 'Stack'. Kubernetes keeps " +
        'one object per kind, namespace and name, and the last apply would win: keep one.');
    });

    test('keeps the manifests next to the roles when the kubectl cluster is in another stack', () => {
      // GIVEN an EKS cluster in a platform stack, and the IRSA roles in an application stack
      const stack = testStack();
      const apps = new Stack(testAppOf(stack), 'Apps', { env: ENV });
      const eksCluster = new eks.Cluster(stack, 'Eks', {
        version: eks.KubernetesVersion.V1_33,
        kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(stack, 'KubectlLayer', `arn:aws:lambda:eu-west-2:${ACCOUNT}:layer:kubectl:1`),
        defaultCapacity: 0,
      });
      const cluster = new IrsaCluster(apps, 'Irsa', { cluster: eksCluster });

      // WHEN
      const sa = cluster.addServiceAccount('Sa', { namespace: 'ns', name: 'sa' });

      // THEN the application stack holds the manifest and depends on the platform stack, not the other way round
      const [manifest] = Object.values(Template.fromStack(apps).findResources('Custom::AWSCDK-EKS-KubernetesResource'));
      expect(manifest.DependsOn).toEqual([apps.getLogicalId(sa.role.node.defaultChild as iam.CfnRole)]);
      expect(apps.dependencies).toEqual([stack]);
      expect(stack.dependencies).toEqual([]);
    });
  });

  describe('validation', () => {
    let stack: Stack;
    let cluster: IrsaCluster;
    beforeEach(() => {
      stack = testStack();
      cluster = new IrsaCluster(stack, 'Irsa', { issuerUrl: SEED_ISSUER_URL });
    });

    test.each([
      [{ name: 'Bad_Name' }, `name "Bad_Name" is not a valid Kubernetes ServiceAccount name. ${NAME_FIX}`],
      [{ name: 'a'.repeat(254) }, `name "${'a'.repeat(254)}" is not a valid Kubernetes ServiceAccount name (254 characters, at most 253). ${NAME_FIX}`],
      [{ name: 'sa-' }, `name "sa-" is not a valid Kubernetes ServiceAccount name. ${NAME_FIX}`],
      [{ name: '*' }, `name "*" is not a valid Kubernetes ServiceAccount name. ${NAME_FIX}`],
      [{ namespace: 'n'.repeat(65) }, `namespace "${'n'.repeat(65)}" is not a valid Kubernetes namespace (65 characters, at most 63). ${NAMESPACE_FIX}`],
      [{ namespace: 'team.a' }, `namespace "team.a" is not a valid Kubernetes namespace. ${NAMESPACE_FIX}`],
      [{ namespace: '*' }, `namespace "*" is not a valid Kubernetes namespace. ${NAMESPACE_FIX}`],
      [{ roleName: 'r'.repeat(65) }, `roleName "${'r'.repeat(65)}" is not a valid IAM role name (65 characters, at most 64). ${ROLE_NAME_FIX}`],
      [{ roleName: 'has space' }, `roleName "has space" is not a valid IAM role name. ${ROLE_NAME_FIX}`],
      [{ path: 'irsa' }, `path "irsa" is not a valid IAM path. ${PATH_FIX}`],
      [{ path: `/${'p'.repeat(511)}/` }, `path "/${'p'.repeat(511)}/" is not a valid IAM path (513 characters, at most 512). ${PATH_FIX}`],
      [{ path: '//' }, `path "//" is not a valid IAM path. ${PATH_FIX}`],
      [{ audience: 'vault' }, `audience "vault" is not a client ID of the OIDC provider ("sts.amazonaws.com"), ${AUDIENCE_FIX}`],
      [{ tokenExpiration: Duration.seconds(300) }, 'tokenExpiration is 300 seconds; the pod identity webhook requires a whole number of at least 600 seconds (10 minutes).'],
      [{ maxSessionDuration: Duration.hours(13) }, 'maxSessionDuration is 46800 seconds; IAM requires a whole number between 1 hour (3600) and 12 hours (43200).'],
      [{ maxSessionDuration: Duration.minutes(30) }, 'maxSessionDuration is 1800 seconds; IAM requires a whole number between 1 hour (3600) and 12 hours (43200).'],
      [{ labels: { 'bad key!': 'x' } }, 'label key "bad key!" is not a valid Kubernetes key. Use an optional DNS subdomain prefix and "/", then 1-63 ' +
        'letters, digits, "-", "_" or ".", starting and ending with a letter or digit.'],
      [{ labels: { ['k'.repeat(64)]: 'x' } }, `label key "${'k'.repeat(64)}" is not a valid Kubernetes key (its name is 64 characters, at most 63). ` +
        'Use an optional DNS subdomain prefix and "/", then 1-63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit.'],
      [{ labels: { [`${'p'.repeat(254)}/app`]: 'x' } }, `label key "${'p'.repeat(254)}/app" is not a valid Kubernetes key (its prefix is 254 characters, ` +
        'at most 253). Use an optional DNS subdomain prefix and "/", then 1-63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit.'],
      [{ labels: { app: 'has space' } }, 'label "app" has value "has space", which is not a valid Kubernetes label value. Use at most 63 letters, ' +
        'digits, "-", "_" or ".", starting and ending with a letter or digit.'],
      [{ labels: { app: 'v'.repeat(64) } }, `label "app" has value "${'v'.repeat(64)}", which is not a valid Kubernetes label value (64 characters, ` +
        'at most 63). Use at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit.'],
      [{ annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::1:role/other' } },
        'the annotation "eks.amazonaws.com/role-arn" is written by IrsaServiceAccount: it is always the role of this ServiceAccount.'],
      [{ annotations: { 'eks.amazonaws.com/audience': 'x' } }, 'the annotation "eks.amazonaws.com/audience" is written by IrsaServiceAccount: use the audience option.'],
      [{ annotations: { 'eks.amazonaws.com/sts-regional-endpoints': 'true' } },
        'the annotation "eks.amazonaws.com/sts-regional-endpoints" is written by IrsaServiceAccount: use the stsRegionalEndpoints option.'],
      [{ annotations: { 'eks.amazonaws.com/token-expiration': '3600' } },
        'the annotation "eks.amazonaws.com/token-expiration" is written by IrsaServiceAccount: use the tokenExpiration option.'],
    ])('rejects %j', (options, message) => {
      expect(() => cluster.addServiceAccount('Sa', { namespace: 'ns', name: 'sa', ...options })).toThrow(new Error(`IrsaServiceAccount 'Stack/Irsa/Sa': ${message}`));
    });

    test('rejects the same name and namespace twice in one chart', () => {
      const chart = new cdk8s.Chart(new cdk8s.App(), 'workloads');
      cluster.addServiceAccount('First', { namespace: 'ns', name: 'sa', chart });
      expect(() => cluster.addServiceAccount('Second', { namespace: 'ns', name: 'sa', chart })).toThrow(
        new Error("IrsaServiceAccount 'Stack/Irsa/Second': " + "ServiceAccount \"sa\" in namespace \"ns\" of cluster 'Stack/Irsa' already belongs to 'Stack/Irsa/First'. A ServiceAccount has one owner: two would each set " +
          "its role, the last deploy would win, and removing either would delete it for both. Use another name, or give 'Stack/Irsa/First' the permissions instead."),
      );
    });

    test('rejects a namespace or name that is a token', () => {
      const value = new CfnParameter(stack, 'P').valueAsString;
      expect(() => cluster.addServiceAccount('A', { namespace: value, name: 'sa' }))
        .toThrow(new Error(`IrsaServiceAccount 'Stack/Irsa/A': namespace ${JSON.stringify(value)} is only known at deploy time, but namespace ${LITERAL_FIX}`));
      expect(() => cluster.addServiceAccount('B', { namespace: 'ns', name: value }))
        .toThrow(new Error(`IrsaServiceAccount 'Stack/Irsa/B': name ${JSON.stringify(value)} is only known at deploy time, but name ${LITERAL_FIX}`));
    });

    test('rejects a token expiration or label value that is a token, which the manifest cannot hold', () => {
      const seconds = new CfnParameter(stack, 'Seconds', { type: 'Number' }).valueAsNumber;
      const value = new CfnParameter(stack, 'Value').valueAsString;
      expect(() => cluster.addServiceAccount('A', { name: 'sa', tokenExpiration: Duration.seconds(seconds) }))
        .toThrow(new Error('IrsaServiceAccount \'Stack/Irsa/A\': tokenExpiration must be a literal duration: it is written into the ServiceAccount manifest at synth time.'));
      expect(() => cluster.addServiceAccount('B', { name: 'sa', labels: { team: value } }))
        .toThrow(new Error('IrsaServiceAccount \'Stack/Irsa/B\': label "team" must have a literal value: manifests are written at synth time.'));
    });

    test('refuses a chart of the user\'s that already holds a ServiceAccount of the same name', () => {
      const chart = new cdk8s.Chart(new cdk8s.App(), 'workloads', { namespace: 'ns' });
      new kplus.ServiceAccount(chart, 'Mine', { metadata: { name: 'sa' } });
      cluster.addServiceAccount('A', { name: 'sa', chart });
      expect(() => testAppOf(stack).synth()).toThrow("IrsaServiceAccount 'Stack/workloads.k8s.yaml': the chart 'workloads' holds ServiceAccount " +
        '"sa" in namespace "ns" twice; Kubernetes keeps one object per kind, namespace and name, so the second would replace the first. ' +
        'Keep one (for a ServiceAccount of cdk-irsa, remove your own).');
    });

    test('warns about a workload that runs as a ServiceAccount the chart holds only in another namespace', () => {
      const chart = new cdk8s.Chart(new cdk8s.App(), 'workloads');
      cluster.addServiceAccount('A', { namespace: 'payments', name: 'ledger', chart });
      cdk8s.ApiObject.of(deploymentRunningAs(chart, 'ledger')).addJsonPatch(cdk8s.JsonPatch.add('/metadata/namespace', 'shop'));
      Annotations.fromStack(stack).hasWarning('/Stack/workloads.k8s.yaml', Match.stringLikeRegexp(
        '^Deployment "shop/ledger-app" runs as ServiceAccount "ledger" of namespace "shop", which the chart \'workloads\' does not hold; it ' +
        'holds "ledger" in "payments". Pods run as a ServiceAccount of their own namespace'));
    });

    test('skips checks of token role options', () => {
      const value = new CfnParameter(stack, 'P').valueAsString;
      expect(() => cluster.addServiceAccount('A', { namespace: 'ns', name: 'sa', roleName: value, path: value })).not.toThrow();
    });

    test('skips the audience check for an imported provider with unknown client IDs', () => {
      const imported = IrsaCluster.fromOidcProviderArn(stack, 'Imported', IMPORTED_ARN);
      expect(() => imported.addServiceAccount('A', { namespace: 'ns', name: 'sa', audience: 'vault' })).not.toThrow();
    });
  });
});

/** A Deployment in `chart` that runs as the ServiceAccount `name`, which need not exist yet. */
function deploymentRunningAs(chart: cdk8s.Chart, name: string) {
  return new kplus.Deployment(chart, 'App', {
    metadata: { name: `${name}-app` },
    serviceAccount: kplus.ServiceAccount.fromServiceAccountName(chart, 'AppServiceAccount', name),
    containers: [{ image: 'public.ecr.aws/docker/library/busybox:stable', securityContext: { ensureNonRoot: false } }],
  });
}

function testAppOf(stack: Stack): App {
  return stack.node.root as App;
}
