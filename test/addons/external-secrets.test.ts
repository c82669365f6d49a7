import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { actionsOf, INLINE_POLICY_LIMIT, literalPartitionStack, policySize, resolve, serviceAccount, upstream } from './addon-test-support';
import { externalSecrets } from '../../src/addons/external-secrets';
import { ACCOUNT, REGION, testStack } from '../support/app';

const UPSTREAM = upstream('external-secrets');

/** Upstream actions we leave out, and why. */
const LEFT_OUT: Record<string, string> = {
  'secretsmanager:ListSecrets': 'only dataFrom.find needs it, and it lists the name and metadata of every secret in the account',
  'secretsmanager:BatchGetSecretValue': 'only dataFrom.find uses it, as a faster GetSecretValue; the per-secret grant stays the scope',
};

const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/0b5dc8bd-b3a5-4f2e-9d1c-0123456789ab`;

describe('externalSecrets', () => {
  test('trusts the controller in external-secrets; there is no EKS add-on', () => {
    const stack = testStack();
    const addon = externalSecrets({ secrets: [secretsmanager.Secret.fromSecretNameV2(stack, 'Secret', 'prod/db')] });
    expect([addon.name, addon.namespace, addon.serviceAccountNames, addon.eksAddonName])
      .toEqual(['external-secrets', 'external-secrets', ['external-secrets'], undefined]);
  });

  test('grants the upstream actions but the two that search every secret, and kms:Decrypt for customer managed keys', () => {
    // GIVEN
    const stack = testStack();
    const addon = externalSecrets({
      secrets: [secretsmanager.Secret.fromSecretNameV2(stack, 'Secret', 'prod/db')],
      parameters: [ssm.StringParameter.fromStringParameterName(stack, 'Parameter', '/prod/api-key')],
      kmsKeys: [kms.Key.fromKeyArn(stack, 'Key', KEY_ARN)],
    });

    // WHEN
    const ours = actionsOf(resolve(stack, addon.statements(stack)));

    // THEN
    const expected = actionsOf(UPSTREAM.policy.Statement).filter(action => !(action in LEFT_OUT));
    expect(ours).toEqual([...expected, 'kms:Decrypt'].sort());
    expect(addon.managedPolicyNames).toEqual([]);
  });

  test('matches a secret known by name or partial ARN by its six-character suffix, and a complete ARN exactly', () => {
    // GIVEN
    const stack = literalPartitionStack('eu-west-2');
    const secrets = [
      secretsmanager.Secret.fromSecretNameV2(stack, 'ByName', 'prod/db'),
      secretsmanager.Secret.fromSecretPartialArn(stack, 'ByPartialArn', `arn:aws:secretsmanager:eu-west-2:${ACCOUNT}:secret:prod/api`),
      secretsmanager.Secret.fromSecretCompleteArn(stack, 'ByArn', `arn:aws:secretsmanager:eu-west-2:${ACCOUNT}:secret:prod/tls-AbCdEf`),
    ];

    // WHEN
    const [read] = resolve(stack, externalSecrets({ secrets }).statements(stack));

    // THEN
    expect(read).toEqual({
      Effect: 'Allow',
      Action: ['secretsmanager:GetResourcePolicy', 'secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret', 'secretsmanager:ListSecretVersionIds'],
      Resource: [
        `arn:aws:secretsmanager:eu-west-2:${ACCOUNT}:secret:prod/db-??????`,
        `arn:aws:secretsmanager:eu-west-2:${ACCOUNT}:secret:prod/api-??????`,
        `arn:aws:secretsmanager:eu-west-2:${ACCOUNT}:secret:prod/tls-AbCdEf`,
      ],
    });
  });

  test('reads a secret of the same app by its ARN', () => {
    const stack = testStack();
    const secret = new secretsmanager.Secret(stack, 'Secret');
    const [read] = resolve(stack, externalSecrets({ secrets: [secret] }).statements(stack));
    expect(read.Resource).toEqual({ Ref: 'SecretA720EF05' });
  });

  test('reads the given parameters only, and decrypts with the keys only through Secrets Manager and Systems Manager', () => {
    // GIVEN
    const stack = literalPartitionStack('cn-north-1');
    const ownKey = kms.Key.fromKeyArn(stack, 'OwnKey', `arn:aws-cn:kms:cn-north-1:${ACCOUNT}:key/own`);
    const secret = secretsmanager.Secret.fromSecretAttributes(stack, 'Secret', {
      secretCompleteArn: `arn:aws-cn:secretsmanager:cn-north-1:${ACCOUNT}:secret:prod/db-AbCdEf`,
      encryptionKey: ownKey,
    });
    const parameter = ssm.StringParameter.fromSecureStringParameterAttributes(stack, 'Parameter', { parameterName: '/prod/api-key' });

    // WHEN
    const ours = resolve(stack, externalSecrets({
      secrets: [secret],
      parameters: [parameter],
      kmsKeys: [kms.Key.fromKeyArn(stack, 'Key', `arn:aws-cn:kms:cn-north-1:${ACCOUNT}:key/listed`), ownKey],
    }).statements(stack));

    // THEN
    expect(ours.slice(1)).toEqual([
      { Effect: 'Allow', Action: 'ssm:GetParameter*', Resource: `arn:aws-cn:ssm:cn-north-1:${ACCOUNT}:parameter/prod/api-key` },
      {
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: [`arn:aws-cn:kms:cn-north-1:${ACCOUNT}:key/listed`, `arn:aws-cn:kms:cn-north-1:${ACCOUNT}:key/own`],
        Condition: { StringEquals: { 'kms:ViaService': ['secretsmanager.cn-north-1.amazonaws.com.cn', 'ssm.cn-north-1.amazonaws.com.cn'] } },
      },
    ]);
  });

  test('has no Secrets Manager statement without secrets, and no KMS statement without keys', () => {
    const stack = testStack();
    const parameter = ssm.StringParameter.fromStringParameterName(stack, 'Parameter', 'api-key');
    const ours = resolve(stack, externalSecrets({ parameters: [parameter] }).statements(stack));
    expect(ours.map(statement => statement.Action)).toEqual(['ssm:GetParameter*']);
  });

  test('gives the chart the ServiceAccount', () => {
    const stack = testStack();
    const addon = externalSecrets({ secrets: [secretsmanager.Secret.fromSecretNameV2(stack, 'Secret', 'prod/db')] });
    expect(addon.helmValues([serviceAccount('external-secrets')])).toEqual({
      serviceAccount: { create: true, name: 'external-secrets', annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/addon' } },
    });
  });

  test('needs a secret or a parameter', () => {
    const error = new Error('IrsaAddon.externalSecrets: secrets and parameters are both empty, and an empty scope would grant nothing or everything. '
      + 'Pass the Secrets Manager secrets (secrets) or Systems Manager parameters (parameters) the operator reads.');
    const stack = testStack();
    expect(() => externalSecrets({})).toThrow(error);
    expect(() => externalSecrets({ secrets: [], parameters: [] })).toThrow(error);
    expect(() => externalSecrets({ kmsKeys: [kms.Key.fromKeyArn(stack, 'Key', KEY_ARN)] })).toThrow(error);
  });

  test('fits in a role\'s inline policies with 20 secrets, 20 parameters and 5 keys, in the partition with the longest name', () => {
    const stack = literalPartitionStack();
    const name = (i: number) => `team-${i}/application-service/config`;
    const addon = externalSecrets({
      secrets: Array.from({ length: 20 }, (_, i) => secretsmanager.Secret.fromSecretNameV2(stack, `Secret${i}`, name(i))),
      parameters: Array.from({ length: 20 }, (_, i) => ssm.StringParameter.fromStringParameterName(stack, `Parameter${i}`, `/${name(i)}`)),
      kmsKeys: Array.from({ length: 5 }, (_, i) =>
        kms.Key.fromKeyArn(stack, `Key${i}`, `arn:aws-us-gov:kms:us-gov-west-1:${ACCOUNT}:key/0b5dc8bd-b3a5-4f2e-9d1c-0123456789a${i}`)),
    });
    expect(policySize(stack, addon.statements(stack))).toBeLessThan(INLINE_POLICY_LIMIT);
  });
});
