import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AddonServiceAccount } from '../../src/addons/addon-definition';
import { ACCOUNT, testStack } from '../support/app';

/** An upstream policy as the add-on's project publishes it, with where it comes from. */
export interface UpstreamFixture {
  readonly source: string;
  readonly version: string;
  /** For an AWS managed policy: its name, as `iam.ManagedPolicy.fromAwsManagedPolicyName` takes it. */
  readonly managedPolicyName?: string;
  readonly policy: { readonly Version: string; readonly Statement: any[] };
}

/** `test/addons/upstream/<name>.json`. */
export function upstream(name: string): UpstreamFixture {
  return JSON.parse(fs.readFileSync(path.join(__dirname, 'upstream', `${name}.json`), 'utf-8'));
}

/** Every action of the statements (resolved or upstream JSON), once each, sorted. */
export function actionsOf(statements: any[]): string[] {
  return [...new Set(statements.flatMap(statement => asList(statement.Action)))].sort();
}

/** The statements as IAM sees them, with tokens resolved in `stack`. */
export function resolve(stack: Stack, statements: iam.PolicyStatement[]): any[] {
  return statements.map(statement => stack.resolve(statement.toStatementJson()));
}

/**
 * A statement in a form two spellings of the same statement share: actions and resources as sorted lists (IAM takes a
 * string or a list), Effect and Sid as written, conditions as written.
 */
export function normalize(statement: any): any {
  return {
    ...(statement.Sid !== undefined ? { Sid: statement.Sid } : {}),
    Effect: statement.Effect,
    Action: asList(statement.Action).sort(),
    Resource: asList(statement.Resource).sort(),
    ...(statement.Condition !== undefined ? { Condition: statement.Condition } : {}),
  };
}

/** The region whose partition has the longest name (`aws-us-gov`), for worst-case policy sizes. */
export const WORST_CASE_REGION = 'us-gov-west-1';

/**
 * A stack in `region` whose partition is a literal (`@aws-cdk/core:enablePartitionLiterals`), so a policy resolves to
 * the text IAM stores.
 */
export function literalPartitionStack(region: string = WORST_CASE_REGION): Stack {
  return testStack({ env: { account: ACCOUNT, region } }, { context: { '@aws-cdk/core:enablePartitionLiterals': true } });
}

/** IAM's limit on the aggregate size of a role's inline policies, in characters without whitespace. */
export const INLINE_POLICY_LIMIT = 10_240;

/**
 * The length of the statements as one minified policy document. Fails on anything left for CloudFormation to resolve
 * (its JSON is not what IAM measures): build the statements in a `literalPartitionStack` from literal ARNs.
 */
export function policySize(stack: Stack, statements: iam.PolicyStatement[]): number {
  const json = JSON.stringify({ Version: '2012-10-17', Statement: resolve(stack, statements) });
  if (/"(Ref|Fn::[A-Za-z]+)"/.test(json)) {
    throw new Error(`the policy still has deploy-time values, so its size is not what IAM measures: ${json}`);
  }
  return json.length;
}

/** A ServiceAccount as `IrsaAddonRole.helmValues` passes it to a definition. */
export function serviceAccount(name: string): AddonServiceAccount {
  return { name, annotations: { 'eks.amazonaws.com/role-arn': `arn:aws:iam::${ACCOUNT}:role/addon` } };
}

function asList(value: unknown): string[] {
  return value === undefined ? [] : Array.isArray(value) ? [...value] : [value as string];
}
