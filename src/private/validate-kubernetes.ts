import { Duration, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { fail } from './construct-error';
import { overLimit } from './length-limit';

/*
 * The limits Kubernetes and the pod identity webhook enforce on our inputs, checked at construction time so a bad
 * value fails `cdk synth` with a sentence naming the construct, the value and the fix, not `kubectl apply` later.
 * Names are part of the trust policy subject and the manifest, so they must be literal strings.
 */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export function validateNamespace(scope: IConstruct, kind: string, namespace: string): void {
  if (Token.isUnresolved(namespace)) {
    fail(scope, kind, `namespace ${JSON.stringify(namespace)} is only known at deploy time, but namespace must be a literal string: it is part ` +
      'of the trust policy subject and the manifest, both of which are fixed at synth time.');
  }
  if (namespace.length > 63 || !DNS1123_LABEL.test(namespace)) {
    fail(scope, kind, `namespace ${JSON.stringify(namespace)} is not a valid Kubernetes namespace${overLimit(namespace, 63)}. ` +
      'Use a DNS-1123 label: 1-63 lowercase letters, digits or "-", starting and ending with a letter or digit.');
  }
}

export function validateServiceAccountName(scope: IConstruct, kind: string, name: string): void {
  if (Token.isUnresolved(name)) {
    fail(scope, kind, `name ${JSON.stringify(name)} is only known at deploy time, but name must be a literal string: it is part ` +
      'of the trust policy subject and the manifest, both of which are fixed at synth time.');
  }
  if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) {
    fail(scope, kind, `name ${JSON.stringify(name)} is not a valid Kubernetes ServiceAccount name${overLimit(name, 253)}. ` +
      'Use a DNS-1123 subdomain: at most 253 lowercase letters, digits, "-" or ".", starting and ending with a letter or digit.');
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
    const length = overLimit(prefix ?? '', 253, 'its prefix is ') || overLimit(name, 63, 'its name is ');
    fail(scope, kind, `${what} key ${JSON.stringify(key)} is not a valid Kubernetes key${length}. ` +
      'Use an optional DNS subdomain prefix and "/", then 1-63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit.');
  }
}

export function validateLabelValue(scope: IConstruct, kind: string, key: string, value: string): void {
  if (Token.isUnresolved(value)) {
    fail(scope, kind, `label ${JSON.stringify(key)} must have a literal value: manifests are written at synth time.`);
  }
  if (value.length > 63 || !LABEL_VALUE.test(value)) {
    fail(scope, kind, `label ${JSON.stringify(key)} has value ${JSON.stringify(value)}, which is not a valid Kubernetes label value${overLimit(value, 63)}. ` +
      'Use at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit.');
  }
}
