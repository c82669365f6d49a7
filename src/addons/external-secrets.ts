import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { IConstruct } from 'constructs';
import { AddonDefinition } from './addon-definition';
import { serviceEndpoint } from './addon-helpers';
import { failWithoutScope } from '../private/construct-error';

/**
 * Options for the role of the External Secrets Operator with its AWS Secrets Manager and Parameter Store providers.
 * Give at least one secret or parameter.
 */
export interface ExternalSecretsOptions {
  /**
   * The Secrets Manager secrets the operator reads.
   *
   * A secret imported by name or partial ARN (`Secret.fromSecretNameV2`) is matched with Secrets Manager's random
   * six-character suffix (`<name>-??????`), so it matches that one secret and no other secret whose name merely starts
   * the same way.
   *
   * @default - none
   */
  readonly secrets?: secretsmanager.ISecret[];

  /**
   * The Systems Manager parameters the operator reads.
   *
   * @default - none
   */
  readonly parameters?: ssm.IParameter[];

  /**
   * Customer managed KMS keys that encrypt the secrets or SecureString parameters. The operator may decrypt with them
   * only through Secrets Manager and Systems Manager. A secret's own `encryptionKey` is included without being listed.
   *
   * @default - the secrets' own encryption keys, if any
   */
  readonly kmsKeys?: kms.IKey[];
}

/**
 * The External Secrets Operator's controller (`external-secrets/external-secrets`, chart
 * `external-secrets/external-secrets`; there is no EKS add-on) copies secrets into Kubernetes; its webhook and
 * cert-controller call no AWS API, so only the controller is trusted.
 *
 * Permissions track the operator's provider docs (`external-secrets/external-secrets` `docs/provider/aws-secrets-manager.md`,
 * the newest text with the batch statement, and `docs/provider/aws-parameter-store.md`): `secretsmanager:GetResourcePolicy`,
 * `GetSecretValue`, `DescribeSecret` and `ListSecretVersionIds` on the given secrets, and `ssm:GetParameter*` on the
 * given parameters, instead of upstream's example name prefixes. Upstream's `secretsmanager:ListSecrets` and
 * `secretsmanager:BatchGetSecretValue` on `*` are left out: only `dataFrom.find` (searching all secrets by name or tag)
 * needs them, and listing reveals every secret's name and metadata in the account. `kms:Decrypt` is not in the
 * operator's docs; AWS requires it for values encrypted with a customer managed key.
 */
export function externalSecrets(options: ExternalSecretsOptions): AddonDefinition {
  const secrets = [...options.secrets ?? []];
  const parameters = [...options.parameters ?? []];
  if (secrets.length === 0 && parameters.length === 0) {
    failWithoutScope('IrsaAddon.externalSecrets: secrets and parameters are both empty, and an empty scope would grant nothing or everything. '
      + 'Pass the Secrets Manager secrets (secrets) or Systems Manager parameters (parameters) the operator reads.');
  }
  const keys = [...new Set([...options.kmsKeys ?? [], ...secrets.flatMap(secret => secret.encryptionKey ? [secret.encryptionKey] : [])])];
  return {
    name: 'external-secrets',
    namespace: 'external-secrets',
    serviceAccountNames: ['external-secrets'],
    policySource: {
      document: 'external-secrets/external-secrets docs/provider/aws-secrets-manager.md and docs/provider/aws-parameter-store.md',
      version: 'latest docs (Secrets Manager text with the batch statement; Parameter Store commit e43c4bf5)',
    },
    managedPolicyNames: [],
    statements: scope => [
      ...(secrets.length === 0 ? [] : [new iam.PolicyStatement({
        actions: ['secretsmanager:GetResourcePolicy', 'secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret',
          'secretsmanager:ListSecretVersionIds'],
        resources: secrets.map(secretArnForPolicies),
      })]),
      ...(parameters.length === 0 ? [] : [new iam.PolicyStatement({
        actions: ['ssm:GetParameter*'],
        resources: parameters.map(parameter => parameter.parameterArn),
      })]),
      ...(keys.length === 0 ? [] : [new iam.PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: keys.map(key => key.keyArn),
        conditions: { StringEquals: { 'kms:ViaService': viaServices(scope, secrets, parameters) } },
      })]),
    ],
    helmValues: ([controller]) => ({ serviceAccount: { create: true, ...controller } }),
  };
}

/**
 * The ARN that matches exactly this secret. Secrets Manager ends every ARN with `-` and six random characters; a secret
 * known only by name or partial ARN has no `secretFullArn`, and `-??????` stands for the suffix, as aws-cdk's own
 * grants do. (A trailing `*` would also match `<name>-other-AbCdEf`, another secret.)
 */
function secretArnForPolicies(secret: secretsmanager.ISecret): string {
  return secret.secretFullArn ?? `${secret.secretArn}-??????`;
}

/** The endpoints the keys may be used through: Secrets Manager and Systems Manager, in the regions of the secrets and parameters. */
function viaServices(scope: IConstruct, secrets: secretsmanager.ISecret[], parameters: ssm.IParameter[]): string[] {
  return [...new Set([
    ...secrets.map(secret => serviceEndpoint(scope, 'secretsmanager', secret.env.region)),
    ...parameters.map(parameter => serviceEndpoint(scope, 'ssm', parameter.env.region)),
  ])];
}
