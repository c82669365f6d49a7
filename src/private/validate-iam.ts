import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { fail } from './construct-error';
import { STS_AUDIENCE } from './irsa-constants';
import { issuerOfUrl } from './issuer';
import { issuerFormProblem } from './issuer-form';
import { overLimit } from './length-limit';
import { policySize } from './trust-policy-size';

/*
 * The limits IAM and STS enforce on our inputs, checked at construction time so a bad value fails `cdk synth` with a
 * sentence naming the construct, the value and the fix instead of failing a deployment (or, worse, deploying a role
 * nobody can assume). Every check skips unresolved tokens: CloudFormation checks those.
 */

const ROLE_NAME = /^[\w+=,.@-]+$/;
const ROLE_PATH = /^\/([\u0021-\u007E]+\/)?$/;
const THUMBPRINT = /^[0-9A-Fa-f]{40}$/;
const POLICY_NAME = /^[\w+=,.@-]{1,128}$/;

export function validateIssuerUrl(scope: IConstruct, kind: string, issuerUrl: string): void {
  if (Token.isUnresolved(issuerUrl)) return;
  const fix = 'Use the cluster\'s issuer exactly as it appears in the token\'s "iss" claim, e.g. https://oidc.eks.eu-west-2.amazonaws.com/id/EXAMPLE.';
  const shown = JSON.stringify(issuerUrl);
  if (!issuerUrl.startsWith('https://')) {
    fail(scope, kind, `issuerUrl ${shown} must start with "https://": IAM only trusts OIDC issuers served over HTTPS. ${fix}`);
  }
  if (issuerUrl.length > 255) {
    fail(scope, kind, `issuerUrl ${shown} is ${issuerUrl.length} characters long; IAM accepts at most 255. ${fix}`);
  }
  if (!URL.canParse(issuerUrl)) {
    fail(scope, kind, `issuerUrl ${shown} is not a valid URL. ${fix}`);
  }
  const url = new URL(issuerUrl);
  if (issuerUrl.includes('?') || issuerUrl.includes('#')) {
    fail(scope, kind, `issuerUrl ${shown} must not contain a query string or fragment: IAM rejects them. ${fix}`);
  }
  if (url.username !== '' || url.password !== '') {
    fail(scope, kind, `issuerUrl ${shown} must not contain credentials. ${fix}`);
  }
  if (url.port !== '' || /^https:\/\/[^/]*:\d*(\/|$)/.test(issuerUrl)) {
    fail(scope, kind, `issuerUrl ${shown} must not contain a port: IAM rejects issuer URLs with a port. ${fix}`);
  }
  const form = issuerFormProblem(issuerOfUrl(issuerUrl));
  if (form) fail(scope, kind, `issuerUrl ${shown} ${form.problem}, so no token could match the role's trust. Use "https://${form.issued}".`);
}

export function validateClientIds(scope: IConstruct, kind: string, clientIds: string[]): void {
  if (Token.isUnresolved(clientIds)) return;
  if (clientIds.length < 1 || clientIds.length > 100) {
    fail(scope, kind, `clientIds has ${clientIds.length} entries; IAM requires between 1 and 100. ` +
      `Leave it out to accept the default audience "${STS_AUDIENCE}".`);
  }
  for (const clientId of clientIds) {
    if (Token.isUnresolved(clientId)) continue;
    if (clientId.length < 1 || clientId.length > 255) {
      fail(scope, kind, `client ID ${JSON.stringify(clientId)} is ${clientId.length} characters long; IAM requires 1 to 255.`);
    }
  }
}

export function validateThumbprints(scope: IConstruct, kind: string, thumbprints: string[]): void {
  if (Token.isUnresolved(thumbprints)) return;
  if (thumbprints.length > 5) {
    fail(scope, kind, `thumbprints has ${thumbprints.length} entries; IAM accepts at most 5.`);
  }
  for (const thumbprint of thumbprints) {
    if (Token.isUnresolved(thumbprint)) continue;
    if (!THUMBPRINT.test(thumbprint)) {
      fail(scope, kind, `thumbprint ${JSON.stringify(thumbprint)} is not a SHA-1 fingerprint: IAM wants 40 hexadecimal characters. ` +
        'Leave thumbprints out for EKS issuers: IAM verifies them with its own trusted certificate authorities.');
    }
  }
}

export function validateAudience(scope: IConstruct, kind: string, audience: string, clientIds: string[] | undefined): void {
  if (Token.isUnresolved(audience)) return;
  if (audience.length < 1 || audience.length > 255) {
    fail(scope, kind, `audience ${JSON.stringify(audience)} is ${audience.length} characters long; IAM client IDs are 1 to 255 characters.`);
  }
  if (clientIds === undefined || Token.isUnresolved(clientIds) || clientIds.some(id => Token.isUnresolved(id))) return;
  if (!clientIds.includes(audience)) {
    fail(scope, kind, `audience ${JSON.stringify(audience)} is not a client ID of the OIDC provider (${clientIds.map(id => JSON.stringify(id)).join(', ')}), ` +
      'so STS would reject every token with "Incorrect token audience". Add it to the IrsaCluster clientIds or use one of those.');
  }
}

export function validateRoleName(scope: IConstruct, kind: string, roleName: string): void {
  if (Token.isUnresolved(roleName)) return;
  if (roleName.length < 1 || roleName.length > 64 || !ROLE_NAME.test(roleName)) {
    fail(scope, kind, `roleName ${JSON.stringify(roleName)} is not a valid IAM role name${overLimit(roleName, 64)}. ` +
      'Use 1-64 characters from letters, digits and "+=,.@_-", or leave roleName out to get a generated one.');
  }
}

export function validateRolePath(scope: IConstruct, kind: string, path: string): void {
  if (Token.isUnresolved(path)) return;
  if (path.length > 512 || !ROLE_PATH.test(path)) {
    fail(scope, kind, `path ${JSON.stringify(path)} is not a valid IAM path${overLimit(path, 512)}. ` +
      'Use "/" or a string that starts and ends with "/" (e.g. "/irsa/"), at most 512 printable ASCII characters.');
  }
}

export function validateMaxSessionDuration(scope: IConstruct, kind: string, duration: Duration): void {
  const seconds = duration.toSeconds({ integral: false });
  if (Token.isUnresolved(seconds)) return;
  if (!Number.isInteger(seconds) || seconds < 3600 || seconds > 43200) {
    fail(scope, kind, `maxSessionDuration is ${seconds} seconds; IAM requires a whole number between 1 hour (3600) and 12 hours (43200).`);
  }
}

/**
 * Inline policies of a role. aws-cdk-lib checks their statements only at synthesis and crashes on an empty document
 * without naming the role, so both are checked here, where the construct's path is known.
 */
export function validateInlinePolicies(scope: IConstruct, kind: string, policies: Record<string, iam.PolicyDocument>): void {
  for (const [name, document] of Object.entries(policies)) {
    if (!Token.isUnresolved(name) && !POLICY_NAME.test(name)) {
      fail(scope, kind, `inline policy name ${JSON.stringify(name)} is not a valid IAM policy name${overLimit(name, 128)}. ` +
        'Use 1-128 characters from letters, digits and "+=,.@_-".');
    }
    if (document.isEmpty) {
      fail(scope, kind, `inline policy ${JSON.stringify(name)} has no statements, and IAM takes no empty policy. Add statements to it, or ` +
        'leave it out and grant with the resource (bucket.grantRead(serviceAccount)) or addToPrincipalPolicy().');
    }
    const problems = document.validateForIdentityPolicy();
    if (problems.length > 0) fail(scope, kind, `inline policy ${JSON.stringify(name)}: ${problems.join(' ')}`);
  }
}

/** STS's limit on the plain text of a session policy (the `Policy` of AssumeRole), whitespace not counted. */
export const SESSION_POLICY_MAX_CHARACTERS = 2048;

/**
 * A session policy STS would take: statements that an identity policy could hold, and at most 2048 characters. The
 * packed size STS also checks (session policy and session tags together, `PackedPolicyTooLarge`) has no published
 * formula; an association with a policy has session tags disabled, so only the policy counts towards it.
 */
export function validateSessionPolicy(scope: IConstruct, kind: string, document: iam.PolicyDocument): void {
  if (document.isEmpty) {
    fail(scope, kind, 'sessionPolicy has no statements, and a session policy without statements denies everything. Add statements, ' +
      'or leave sessionPolicy out.');
  }
  const problems = document.validateForIdentityPolicy();
  if (problems.length > 0) fail(scope, kind, `sessionPolicy: ${problems.join(' ')}`);
  const resolved = Stack.of(scope).resolve(document.toJSON());
  if (Token.isUnresolved(JSON.stringify(resolved)) || containsIntrinsic(resolved)) return;
  const size = policySize(resolved);
  if (size > SESSION_POLICY_MAX_CHARACTERS) {
    fail(scope, kind, `sessionPolicy is ${size} characters without whitespace; STS takes a session policy of at most ` +
      `${SESSION_POLICY_MAX_CHARACTERS}, so no pod would get credentials. Narrow it with fewer statements or wildcards in ` +
      'resource names, or grant the difference on the target role.');
  }
}

/** Whether a resolved value holds a CloudFormation intrinsic (a deploy-time part). */
function containsIntrinsic(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(containsIntrinsic);
  if (value === null || typeof value !== 'object') return false;
  return Object.entries(value).some(([key, v]) => key === 'Ref' || key.startsWith('Fn::') || containsIntrinsic(v));
}
