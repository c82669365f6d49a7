import { Duration, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/*
 * The limits IAM, STS and Kubernetes enforce on our inputs, checked at construction time so a bad value
 * fails `cdk synth` with a sentence naming the construct, the value and the fix instead of failing a
 * deployment (or, worse, deploying a role nobody can assume). Every check skips unresolved tokens.
 */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const ROLE_NAME = /^[\w+=,.@-]+$/;
const ROLE_PATH = /^\/([\u0021-\u007E]+\/)?$/;
const THUMBPRINT = /^[0-9A-Fa-f]{40}$/;

/** Throws an error that starts with the construct's kind and path, so users can find the bad call. */
export function fail(scope: IConstruct, kind: string, message: string): never {
  throw new Error(`${kind} '${scope.node.path}': ${message}`);
}

function show(value: string): string {
  return JSON.stringify(value);
}

export function validateNamespace(scope: IConstruct, kind: string, namespace: string): void {
  if (Token.isUnresolved(namespace)) {
    fail(scope, kind, `namespace ${show(namespace)} is only known at deploy time, but namespace must be a literal string: it is part ` +
      'of the trust policy subject and the manifest, both of which are fixed at synth time.');
  }
  if (namespace.length > 63 || !DNS1123_LABEL.test(namespace)) {
    fail(scope, kind, `namespace ${show(namespace)} is not a valid Kubernetes namespace. ` +
      'Use a DNS-1123 label: 1-63 lowercase letters, digits or "-", starting and ending with a letter or digit.');
  }
}

export function validateServiceAccountName(scope: IConstruct, kind: string, name: string): void {
  if (Token.isUnresolved(name)) {
    fail(scope, kind, `name ${show(name)} is only known at deploy time, but name must be a literal string: it is part ` +
      'of the trust policy subject and the manifest, both of which are fixed at synth time.');
  }
  if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) {
    fail(scope, kind, `name ${show(name)} is not a valid Kubernetes ServiceAccount name. ` +
      'Use a DNS-1123 subdomain: at most 253 lowercase letters, digits, "-" or ".", starting and ending with a letter or digit.');
  }
}

export function validateIssuerUrl(scope: IConstruct, kind: string, issuerUrl: string): void {
  if (Token.isUnresolved(issuerUrl)) return;
  const fix = 'Use the cluster\'s issuer exactly as it appears in the token\'s "iss" claim, e.g. https://oidc.eks.eu-west-2.amazonaws.com/id/EXAMPLE.';
  if (!issuerUrl.startsWith('https://')) {
    fail(scope, kind, `issuerUrl ${show(issuerUrl)} must start with "https://": IAM only trusts OIDC issuers served over HTTPS. ${fix}`);
  }
  if (issuerUrl.length > 255) {
    fail(scope, kind, `issuerUrl ${show(issuerUrl)} is ${issuerUrl.length} characters long; IAM accepts at most 255. ${fix}`);
  }
  let url: URL;
  try {
    url = new URL(issuerUrl);
  } catch {
    return fail(scope, kind, `issuerUrl ${show(issuerUrl)} is not a valid URL. ${fix}`);
  }
  if (issuerUrl.includes('?') || issuerUrl.includes('#')) {
    fail(scope, kind, `issuerUrl ${show(issuerUrl)} must not contain a query string or fragment: IAM rejects them. ${fix}`);
  }
  if (url.username !== '' || url.password !== '') {
    fail(scope, kind, `issuerUrl ${show(issuerUrl)} must not contain credentials. ${fix}`);
  }
  if (url.port !== '' || /^https:\/\/[^/]*:\d*(\/|$)/.test(issuerUrl)) {
    fail(scope, kind, `issuerUrl ${show(issuerUrl)} must not contain a port: IAM rejects issuer URLs with a port. ${fix}`);
  }
}

export function validateClientIds(scope: IConstruct, kind: string, clientIds: string[]): void {
  if (Token.isUnresolved(clientIds)) return;
  if (clientIds.length < 1 || clientIds.length > 100) {
    fail(scope, kind, `clientIds has ${clientIds.length} entries; IAM requires between 1 and 100. ` +
      'Leave it out to accept the default audience "sts.amazonaws.com".');
  }
  for (const clientId of clientIds) {
    if (Token.isUnresolved(clientId)) continue;
    if (clientId.length < 1 || clientId.length > 255) {
      fail(scope, kind, `client ID ${show(clientId)} is ${clientId.length} characters long; IAM requires 1 to 255.`);
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
      fail(scope, kind, `thumbprint ${show(thumbprint)} is not a SHA-1 fingerprint: IAM wants 40 hexadecimal characters. ` +
        'Leave thumbprints out for EKS issuers: IAM verifies them with its own trusted certificate authorities.');
    }
  }
}

export function validateAudience(scope: IConstruct, kind: string, audience: string, clientIds: string[] | undefined): void {
  if (Token.isUnresolved(audience)) return;
  if (audience.length < 1 || audience.length > 255) {
    fail(scope, kind, `audience ${show(audience)} is ${audience.length} characters long; IAM client IDs are 1 to 255 characters.`);
  }
  if (clientIds === undefined || Token.isUnresolved(clientIds) || clientIds.some(id => Token.isUnresolved(id))) return;
  if (!clientIds.includes(audience)) {
    fail(scope, kind, `audience ${show(audience)} is not a client ID of the OIDC provider (${clientIds.map(show).join(', ')}), ` +
      'so STS would reject every token with "Incorrect token audience". Add it to the IrsaCluster clientIds or use one of those.');
  }
}

export function validateRoleName(scope: IConstruct, kind: string, roleName: string): void {
  if (Token.isUnresolved(roleName)) return;
  if (roleName.length < 1 || roleName.length > 64 || !ROLE_NAME.test(roleName)) {
    fail(scope, kind, `roleName ${show(roleName)} is not a valid IAM role name. ` +
      'Use 1-64 characters from letters, digits and "+=,.@_-", or leave roleName out to get a generated one.');
  }
}

export function validateRolePath(scope: IConstruct, kind: string, path: string): void {
  if (Token.isUnresolved(path)) return;
  if (path.length > 512 || !ROLE_PATH.test(path)) {
    fail(scope, kind, `path ${show(path)} is not a valid IAM path. ` +
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

export function validateTokenExpiration(scope: IConstruct, kind: string, duration: Duration): void {
  const seconds = duration.toSeconds({ integral: false });
  if (Token.isUnresolved(seconds)) {
    fail(scope, kind, 'tokenExpiration must be a literal duration: it is written into the ServiceAccount manifest at synth time.');
  }
  if (!Number.isInteger(seconds) || seconds < 600) {
    fail(scope, kind, `tokenExpiration is ${seconds} seconds; the pod identity webhook requires a whole number of at least 600 seconds (10 minutes).`);
  }
}

/** Kubernetes label and annotation keys: an optional DNS subdomain prefix and a name of at most 63 characters. */
export function validateMetadataKey(scope: IConstruct, kind: string, what: string, key: string): void {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const prefixOk = prefix === undefined || (prefix.length <= 253 && DNS1123_SUBDOMAIN.test(prefix));
  if (!prefixOk || name.length > 63 || !QUALIFIED_NAME.test(name)) {
    fail(scope, kind, `${what} key ${show(key)} is not a valid Kubernetes key. ` +
      'Use an optional DNS subdomain prefix and "/", then 1-63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit.');
  }
}

export function validateLabelValue(scope: IConstruct, kind: string, key: string, value: string): void {
  if (Token.isUnresolved(value)) {
    fail(scope, kind, `label ${show(key)} must have a literal value: manifests are written at synth time.`);
  }
  if (value.length > 63 || !LABEL_VALUE.test(value)) {
    fail(scope, kind, `label ${show(key)} has value ${show(value)}, which is not a valid Kubernetes label value. ` +
      'Use at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit.');
  }
}
