import { Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ACCOUNT, SEED_ISSUER, testStack } from './app';
import { IrsaChecks } from '../../src';

/*
 * What the IrsaChecks tests share: a web-identity statement for the seed's provider to vary, a stack with one role
 * trusting it, and the checks run the way users run them (an aspect on the app), with what they reported.
 */

export const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/${SEED_ISSUER}`;
export const SUB = `${SEED_ISSUER}:sub`;
export const AUD = `${SEED_ISSUER}:aud`;
export const EXACT = { StringEquals: { [SUB]: 'system:serviceaccount:ns:sa', [AUD]: 'sts.amazonaws.com' } };

/** A web-identity statement for the seed's provider; `overrides` replace its parts. */
export function statement(overrides: Record<string, unknown> = {}) {
  return {
    Effect: 'Allow',
    Action: 'sts:AssumeRoleWithWebIdentity',
    Principal: { Federated: PROVIDER_ARN },
    Condition: EXACT,
    ...overrides,
  };
}

/** A value chosen at deploy time: `Fn::If` on a condition. */
export function conditional(ifTrue: unknown, ifFalse: unknown) {
  return { 'Fn::If': ['IsProd', ifTrue, ifFalse] };
}

/** A stack with one L1 role, trusting what `statements` say. */
export function stackWithRole(...statements: unknown[]): Stack {
  const stack = testStack();
  new iam.CfnRole(stack, 'Role', { assumeRolePolicyDocument: { Version: '2012-10-17', Statement: statements } });
  return stack;
}

export interface Reported {
  readonly path: string;
  readonly level: 'error' | 'warning' | 'info';
  readonly message: string;
}

/** Runs the checks the way users do (an aspect on the app) and returns what they reported. */
export function audit(stack: Stack): Reported[] {
  return annotationsOf(stack).filter(r => /^\[IRSA\d+\]/.test(r.message));
}

/** Every annotation of the stack after the checks ran. */
export function annotationsOf(stack: Stack): Reported[] {
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

/** `<level> <rule>` of each finding, in order. */
export function rulesOf(reported: Reported[]): string[] {
  return reported.map(r => `${r.level} ${/^\[(IRSA\d+)\]/.exec(r.message)?.[1]}`);
}
