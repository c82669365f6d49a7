import { Aspects, CfnJson, CfnParameter, Fn, Stack, Stage, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IrsaChecks, IrsaCluster } from '../src';
import { ACCOUNT, ENV, SEED_ISSUER, SEED_ISSUER_URL, testApp, testStack } from './support/app';

const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/${SEED_ISSUER}`;
const SUB = `${SEED_ISSUER}:sub`;
const AUD = `${SEED_ISSUER}:aud`;
const EXACT = { StringEquals: { [SUB]: 'system:serviceaccount:ns:sa', [AUD]: 'sts.amazonaws.com' } };

/** A web-identity statement for the seed's provider; `overrides` replace its parts. */
function statement(overrides: Record<string, unknown> = {}) {
  return {
    Effect: 'Allow',
    Action: 'sts:AssumeRoleWithWebIdentity',
    Principal: { Federated: PROVIDER_ARN },
    Condition: EXACT,
    ...overrides,
  };
}

/** A stack with one L1 role, trusting what `statements` say. */
function stackWithRole(...statements: unknown[]): Stack {
  const stack = testStack();
  new iam.CfnRole(stack, 'Role', { assumeRolePolicyDocument: { Version: '2012-10-17', Statement: statements } });
  return stack;
}

interface Reported {
  readonly path: string;
  readonly level: 'error' | 'warning' | 'info';
  readonly message: string;
}

/** Runs the checks the way users do (an aspect on the app) and returns what they reported. */
function audit(stack: Stack): Reported[] {
  return annotationsOf(stack).filter(r => /^\[IRSA\d\]/.test(r.message));
}

function annotationsOf(stack: Stack): Reported[] {
  Aspects.of(stack.node.root).add(new IrsaChecks());
  const annotations = Annotations.fromStack(stack);
  const collect = (level: Reported['level'], found: ReturnType<typeof annotations.findError>) =>
    found.map(m => ({ path: m.id, level, message: String(m.entry.data) }));
  return [
    ...collect('error', annotations.findError('*', Match.anyValue())),
    ...collect('warning', annotations.findWarning('*', Match.anyValue())),
    ...collect('info', annotations.findInfo('*', Match.anyValue())),
  ];
}

function rulesOf(reported: Reported[]): string[] {
  return reported.map(r => `${r.level} ${/^\[(IRSA\d)\]/.exec(r.message)?.[1]}`);
}

describe('IrsaChecks', () => {
  describe('rules, each with a compliant and a non-compliant role', () => {
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

    test('IRSA1: flags a statement without a sub condition, naming the role and the fix', () => {
      // GIVEN
      const stack = stackWithRole(statement({ Condition: { StringEquals: { [AUD]: 'sts.amazonaws.com' } } }));

      // WHEN
      const reported = audit(stack);

      // THEN
      expect(reported).toEqual([{
        path: '/Stack/Role',
        level: 'error',
        message: `[IRSA1] Role 'Stack/Role': Statement[0] has no StringEquals or StringLike condition on "${SUB}", so every ` +
          'identity the provider issues tokens for (every ServiceAccount of the cluster) can assume the role. Add ' +
          `"StringEquals": { "${SUB}": "system:serviceaccount:<namespace>:<name>" }.`,
      }]);
    });

    test('IRSA1 and IRSA2: flag a statement without any condition', () => {
      const reported = audit(stackWithRole(statement({ Condition: undefined })));
      expect(rulesOf(reported)).toEqual(['error IRSA1', 'error IRSA2']);
    });

    test.each([
      ['no aud condition', { StringEquals: { [SUB]: 'system:serviceaccount:ns:sa' } }],
      ['a wildcard aud pattern', { StringEquals: { [SUB]: 'system:serviceaccount:ns:sa' }, StringLike: { [AUD]: '*' } }],
    ])('IRSA2: flags %s', (_, condition) => {
      const reported = audit(stackWithRole(statement({ Condition: condition })));
      expect(rulesOf(reported)).toEqual(['error IRSA2']);
      expect(reported[0].message).toBe(`[IRSA2] Role 'Stack/Role': Statement[0] has no StringEquals condition on "${AUD}", ` +
        `so tokens issued for any audience the provider accepts can assume the role. Add "StringEquals": { "${AUD}": "sts.amazonaws.com" }.`);
    });

    test.each([
      ['ForAllValues:StringEquals', 'is true when the claim is missing or empty'],
      ['ForAnyValue:StringLike', 'is a set operator meant for multivalued keys, not the single-valued sub and aud'],
      ['StringEqualsIfExists', 'is true when the claim is missing'],
      ['StringNotEquals', 'allows every value but the ones listed'],
      ['StringNotLike', 'allows every value but the ones listed'],
      ['Null', 'only checks whether the claim is present'],
      ['StringEqualsIgnoreCase', 'is not an exact comparison'],
    ])('IRSA3: flags %s on sub', (operator, risk) => {
      // GIVEN
      const stack = stackWithRole(statement({
        Condition: { StringEquals: { [SUB]: 'system:serviceaccount:ns:sa', [AUD]: 'sts.amazonaws.com' }, [operator]: { [SUB]: 'system:serviceaccount:ns:other' } },
      }));

      // WHEN
      const reported = audit(stack);

      // THEN
      expect(rulesOf(reported)).toEqual(['error IRSA3']);
      expect(reported[0].message).toBe(`[IRSA3] Role 'Stack/Role': Statement[0] checks "${SUB}" with ${operator}, which ${risk}. ` +
        'Use StringEquals with the exact system:serviceaccount:<namespace>:<name>.');
    });

    test('IRSA3: flags a weak operator on aud, and IRSA2 when it is the only aud condition', () => {
      const reported = audit(stackWithRole(statement({
        Condition: { StringEquals: { [SUB]: 'system:serviceaccount:ns:sa' }, StringEqualsIfExists: { [AUD]: 'sts.amazonaws.com' } },
      })));
      expect(rulesOf(reported)).toEqual(['error IRSA3', 'error IRSA2']);
      expect(reported[0].message).toContain(`checks "${AUD}" with StringEqualsIfExists, which is true when the claim is missing. Use StringEquals with the exact audience.`);
    });

    test.each([
      'system:serviceaccount:*',
      'system:serviceaccount:team*',
      'system:serviceaccount:*:orders',
      'system:serviceaccount:te?m:orders',
      'system:*',
      '*',
    ])('IRSA4: flags the StringLike pattern %s, which lets the namespace vary', pattern => {
      // GIVEN
      const stack = stackWithRole(statement({ Condition: { StringLike: { [SUB]: pattern }, StringEquals: { [AUD]: 'sts.amazonaws.com' } } }));

      // WHEN
      const reported = audit(stack);

      // THEN
      expect(rulesOf(reported)).toEqual(['error IRSA4']);
      expect(reported[0].message).toBe(`[IRSA4] Role 'Stack/Role': Statement[0] matches "${SUB}" against ${JSON.stringify(pattern)} ` +
        'with StringLike, which lets the namespace vary: a ServiceAccount of that name (or any name) in another namespace can ' +
        'assume the role. Use StringEquals with system:serviceaccount:<namespace>:<name>, or at most system:serviceaccount:<namespace>:*.');
    });

    test('IRSA4: flags each bad pattern of a list', () => {
      const reported = audit(stackWithRole(statement({
        Condition: { StringLike: { [SUB]: ['system:serviceaccount:ok:*', 'system:serviceaccount:*:a', '*'] }, StringEquals: { [AUD]: 'sts.amazonaws.com' } },
      })));
      expect(reported.map(r => /against (".*?")/.exec(r.message)?.[1])).toEqual(['"system:serviceaccount:*:a"', '"*"']);
    });

    test.each(['system:serviceaccount:ns:*', 'system:serviceaccount:ns:sa?'])('IRSA5: flags %s in StringEquals, which never matches', value => {
      // GIVEN
      const stack = stackWithRole(statement({ Condition: { StringEquals: { [SUB]: value, [AUD]: 'sts.amazonaws.com' } } }));

      // WHEN
      const reported = audit(stack);

      // THEN
      expect(rulesOf(reported)).toEqual(['error IRSA5']);
      expect(reported[0].message).toBe(`[IRSA5] Role 'Stack/Role': Statement[0] compares "${SUB}" to ${JSON.stringify(value)} with ` +
        'StringEquals, which takes "*" and "?" literally: no token carries that value, so the condition never matches. List the ' +
        'exact values, or use StringLike with a literal namespace (system:serviceaccount:<namespace>:*).');
    });

    test('IRSA6: flags condition keys of another issuer than the literal principal', () => {
      // GIVEN
      const other = 'oidc.eks.eu-west-1.amazonaws.com/id/OTHER';
      const stack = stackWithRole(statement({
        Condition: { StringEquals: { [SUB]: 'system:serviceaccount:ns:sa', [`${other}:aud`]: 'sts.amazonaws.com', [AUD]: 'sts.amazonaws.com' } },
      }));

      // WHEN
      const reported = audit(stack);

      // THEN
      expect(rulesOf(reported)).toEqual(['error IRSA6']);
      expect(reported[0].message).toBe(`[IRSA6] Role 'Stack/Role': Statement[0] checks "${other}:aud", but the principal ` +
        `"${PROVIDER_ARN}" is the provider of issuer "${SEED_ISSUER}": STS sets only "${SEED_ISSUER}:sub" and ":aud" for its ` +
        'tokens, so this condition does not restrict them as intended. Prefix the condition keys with the issuer of the ' +
        'principal (its ARN after ":oidc-provider/").');
    });

    test('IRSA6: reads the issuer of a provider resource in the stack', () => {
      // GIVEN
      const stack = testStack();
      const provider = new IrsaCluster(stack, 'Irsa', { issuerUrl: SEED_ISSUER_URL });
      new iam.CfnRole(stack, 'Role', {
        assumeRolePolicyDocument: {
          Statement: [statement({
            Principal: { Federated: provider.openIdConnectProviderArn },
            Condition: { StringEquals: { 'oidc.example.com:sub': 'system:serviceaccount:ns:sa', 'oidc.example.com:aud': 'sts.amazonaws.com' } },
          })],
        },
      });

      // WHEN
      const reported = audit(stack);

      // THEN
      expect(rulesOf(reported)).toEqual(['error IRSA6', 'error IRSA6']);
      expect(reported[0].message).toContain(`checks "oidc.example.com:sub", but the principal "\${IrsaAC15A16C.Arn}" is the provider of issuer "${SEED_ISSUER}"`);
    });

    test('IRSA6: flags keys derived from another provider resource, even when both issuers are deploy-time values', () => {
      // GIVEN
      const stack = testStack();
      const blue = new IrsaCluster(stack, 'Blue', { issuerUrl: new CfnParameter(stack, 'BlueUrl').valueAsString });
      const green = new IrsaCluster(stack, 'Green', { issuerUrl: new CfnParameter(stack, 'GreenUrl').valueAsString });
      new iam.Role(stack, 'Role', {
        assumedBy: new iam.WebIdentityPrincipal(blue.openIdConnectProviderArn, {
          StringEquals: new CfnJson(stack, 'Keys', {
            value: { [`${green.openIdConnectProviderIssuer}:sub`]: 'system:serviceaccount:ns:sa', [`${blue.openIdConnectProviderIssuer}:aud`]: 'sts.amazonaws.com' },
          }),
        }),
      });

      // WHEN
      const reported = audit(stack);

      // THEN
      expect(rulesOf(reported)).toEqual(['error IRSA6']);
      expect(reported[0].message).toContain('checks "${issuer of Green9DCBBC03.Arn}:sub", but the principal "${Blue10BB7880.Arn}" ' +
        'is the provider of issuer "${issuer of Blue10BB7880.Arn}"');
    });

    test.each([
      ['"Principal": "*"', { Principal: '*' }, 'any principal ("Principal": "*")'],
      ['"AWS": "*"', { Principal: { AWS: '*' } }, 'any principal ("AWS": "*")'],
      ['"Federated": "*"', { Principal: { Federated: ['*'] } }, 'any principal ("Federated": "*")'],
      ['NotPrincipal', { Principal: undefined, NotPrincipal: { AWS: `arn:aws:iam::${ACCOUNT}:root` } }, 'everyone but its NotPrincipal'],
    ])('IRSA7: flags %s', (_, overrides, who) => {
      // GIVEN
      const stack = stackWithRole(statement(overrides));

      // WHEN
      const reported = audit(stack);

      // THEN
      expect(reported).toEqual([{
        path: '/Stack/Role',
        level: 'error',
        message: `[IRSA7] Role 'Stack/Role': Statement[0] allows sts:AssumeRoleWithWebIdentity to ${who}, so a token from any ` +
          'identity provider can assume the role. Name the cluster\'s IAM OIDC provider as the Federated principal instead.',
      }]);
    });

    test('IRSA7: flags a wildcard principal reached through a wildcard action', () => {
      const reported = audit(stackWithRole(statement({ Action: 'sts:AssumeRole*', Principal: { AWS: '*' } })));
      expect(rulesOf(reported)).toEqual(['error IRSA7']);
    });

    test('IRSA8: warns above 2048 characters and fails above 4096, passes below', () => {
      // GIVEN
      const subjects = (count: number) => Array.from({ length: count }, (_, i) => `system:serviceaccount:team:service-${String(i).padStart(3, '0')}`);
      const policy = (count: number) => statement({ Condition: { StringEquals: { [SUB]: subjects(count), [AUD]: 'sts.amazonaws.com' } } });
      const sizeOf = (count: number) => JSON.stringify({ Version: '2012-10-17', Statement: [policy(count)] }).length;

      // WHEN
      const small = audit(stackWithRole(policy(10)));
      const large = audit(stackWithRole(policy(40)));
      const huge = audit(stackWithRole(policy(90)));

      // THEN
      expect(small).toEqual([]);
      expect(sizeOf(40)).toBeGreaterThan(2048);
      expect(large).toEqual([{
        path: '/Stack/Role',
        level: 'warning',
        message: `[IRSA8] Role 'Stack/Role': the trust policy is about ${sizeOf(40)} characters, over IAM's default quota of 2048. ` +
          'Deployment fails unless the account\'s "Role trust policy length" quota is raised (up to 4096); otherwise split the ' +
          'trusted identities over several roles. [ack: IRSA8]',
      }]);
      expect(sizeOf(90)).toBeGreaterThan(4096);
      expect(huge).toEqual([{
        path: '/Stack/Role',
        level: 'error',
        message: `[IRSA8] Role 'Stack/Role': the trust policy is about ${sizeOf(90)} characters; IAM rejects trust policies over ` +
          '4096 characters even with a raised quota. Split the trusted identities over several roles.',
      }]);
    });

    test('IRSA9: flags conditions that are only known at deploy time', () => {
      // GIVEN
      const stack = testStack();
      const conditions = new CfnParameter(stack, 'Conditions').valueAsString;
      new iam.CfnRole(stack, 'Role', { assumeRolePolicyDocument: { Statement: [statement({ Condition: { StringEquals: conditions } })] } });

      // WHEN
      const reported = audit(stack);

      // THEN
      expect(reported).toEqual([{
        path: '/Stack/Role',
        level: 'error',
        message: '[IRSA9] Role \'Stack/Role\': StringEquals of Statement[0] is only known at deploy time ("${Conditions}"), so its ' +
          'sub and aud conditions cannot be checked. Write the conditions into the template (Stack.toJsonString renders token ' +
          'keys without a custom resource), or acknowledge IRSA9 after reviewing the deployed policy.',
      }]);
    });

    test('IRSA9: flags a whole Condition block that is only known at deploy time', () => {
      const stack = testStack();
      const conditions = new CfnParameter(stack, 'Conditions').valueAsString;
      new iam.CfnRole(stack, 'Role', { assumeRolePolicyDocument: { Statement: [statement({ Condition: conditions })] } });
      expect(rulesOf(audit(stack))).toEqual(['error IRSA9']);
    });
  });

  describe('deploy-time parts fail closed', () => {
    const conditional = (ifTrue: unknown, ifFalse: unknown) => ({ 'Fn::If': ['IsProd', ifTrue, ifFalse] });

    test('IRSA9: flags a whole trust policy, or one statement, chosen at deploy time when it mentions web identities', () => {
      // GIVEN
      const stack = testStack();
      const open = { Version: '2012-10-17', Statement: [statement({ Condition: undefined })] };
      new iam.CfnRole(stack, 'Whole', { assumeRolePolicyDocument: conditional(open, { Version: '2012-10-17', Statement: [statement()] }) });
      new iam.CfnRole(stack, 'OneStatement', { assumeRolePolicyDocument: { Statement: [conditional(statement({ Condition: undefined }), statement())] } });
      new iam.CfnRole(stack, 'Unrelated', { assumeRolePolicyDocument: new CfnParameter(stack, 'Policy').valueAsString });

      // WHEN
      const reported = audit(stack);

      // THEN
      expect(reported.map(r => [r.path, r.message.split(' and mentions')[0]])).toEqual([
        ['/Stack/Whole', '[IRSA9] Role \'Stack/Whole\': the trust policy is only known at deploy time ("${Fn::If}")'],
        ['/Stack/OneStatement', '[IRSA9] Role \'Stack/OneStatement\': Statement[0] is only known at deploy time ("${Fn::If}")'],
      ]);
    });

    test.each([
      ['Effect', { Effect: conditional('Allow', 'Deny') }],
      ['Action', { Action: [conditional('sts:AssumeRoleWithWebIdentity', 'sts:TagSession')] }],
    ])('IRSA1 and IRSA2: check a statement whose %s is a deploy-time value as if it allowed web identities', (_, overrides) => {
      const reported = audit(stackWithRole(statement({ ...overrides, Condition: undefined })));
      expect(rulesOf(reported)).toEqual(['error IRSA1', 'error IRSA2']);
    });

    test('IRSA7: flags a Federated principal that can be "*" at deploy time; IRSA9 a Principal that is only known then', () => {
      // GIVEN
      const wildcard = stackWithRole(statement({ Principal: { Federated: conditional(PROVIDER_ARN, '*') } }));
      const opaque = stackWithRole(statement({ Principal: conditional('*', { Federated: PROVIDER_ARN }) }));

      // WHEN
      const wildcardReported = audit(wildcard);
      const opaqueReported = audit(opaque);

      // THEN
      expect(rulesOf(wildcardReported)).toEqual(['error IRSA7']);
      expect(wildcardReported[0].message).toContain('to a "Federated" principal that can be "*" at deploy time ("${Fn::If}")');
      expect(rulesOf(opaqueReported)).toEqual(['error IRSA9']);
      expect(opaqueReported[0].message).toContain('the Principal of Statement[0] is only known at deploy time');
    });

    test('IRSA9: flags condition keys whose issuer cannot be matched to the principal', () => {
      // GIVEN
      const stack = testStack();
      const issuer = new CfnParameter(stack, 'Issuer').valueAsString;
      new iam.CfnRole(stack, 'Role', {
        assumeRolePolicyDocument: Stack.of(stack).toJsonString({
          Statement: [statement({ Condition: { StringEquals: { [`${issuer}:sub`]: 'system:serviceaccount:ns:sa', [`${issuer}:aud`]: 'sts.amazonaws.com' } } })],
        }),
      });

      // WHEN
      const reported = audit(stack);

      // THEN
      expect(rulesOf(reported)).toEqual(['error IRSA9', 'error IRSA9']);
      expect(reported[0].message).toContain(`Statement[0] checks "\${Issuer}:sub", and which issuer that key names cannot be matched to the principal "${PROVIDER_ARN}"`);
    });

    test('IRSA9 knows keys split from a cluster\'s issuer URL, and flags another cluster\'s', () => {
      // GIVEN
      const stack = testStack();
      const cluster = new eks.CfnCluster(stack, 'Cluster', { roleArn: 'arn:aws:iam::123456789012:role/eks', resourcesVpcConfig: { subnetIds: ['subnet-1'] } });
      const other = new eks.CfnCluster(stack, 'Other', { roleArn: 'arn:aws:iam::123456789012:role/eks', resourcesVpcConfig: { subnetIds: ['subnet-1'] } });
      const provider = new iam.CfnOIDCProvider(stack, 'Provider', { url: cluster.attrOpenIdConnectIssuerUrl, clientIdList: ['sts.amazonaws.com'] });
      const keysOf = (c: eks.CfnCluster) => {
        const issuer = Fn.select(1, Fn.split('https://', c.attrOpenIdConnectIssuerUrl));
        return { [`${issuer}:sub`]: 'system:serviceaccount:ns:sa', [`${issuer}:aud`]: 'sts.amazonaws.com' };
      };
      const roleWith = (id: string, keys: Record<string, string>) => new iam.CfnRole(stack, id, {
        assumeRolePolicyDocument: Stack.of(stack).toJsonString({
          Statement: [statement({ Principal: { Federated: provider.attrArn }, Condition: { StringEquals: keys } })],
        }),
      });
      roleWith('Own', keysOf(cluster));
      roleWith('Foreign', keysOf(other));

      // WHEN
      const reported = audit(stack);

      // THEN
      expect(reported.map(r => `${r.path} ${rulesOf([r])[0]}`)).toEqual(['/Stack/Foreign error IRSA9', '/Stack/Foreign error IRSA9']);
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

    test('IRSA2: a StringLike audience that is only known at deploy time may be a wildcard', () => {
      const stack = testStack();
      const audience = new CfnParameter(stack, 'Audience').valueAsString;
      new iam.CfnRole(stack, 'Role', {
        assumeRolePolicyDocument: { Statement: [statement({ Condition: { StringEquals: { [SUB]: 'system:serviceaccount:ns:sa' }, StringLike: { [AUD]: audience } } })] },
      });
      expect(rulesOf(audit(stack))).toEqual(['error IRSA2']);
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
      const warnings = annotationsOf(stack).map(r => [r.message.slice(0, 7), /about (\d+) characters/.exec(r.message)?.[1]]);
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
});
