import { Token } from 'aws-cdk-lib';

/*
 * Where a Kubernetes object holds a value only known at deploy time (a CDK token), so an error can name the field
 * the user has to change (`data.QUEUE_URL`, `spec.template.spec.containers[0].env[1].value`) rather than the chart.
 */

/** The object's name as kubectl would show it: `Kind "namespace/name"`, or `Kind "name"` without a namespace. */
export function objectName(object: { kind?: unknown; metadata?: { namespace?: unknown; name?: unknown } }): string {
  const { namespace, name } = object.metadata ?? {};
  return `${object.kind} "${namespace !== undefined ? `${namespace}/` : ''}${name}"`;
}

/** The path of the first field of `value` that is a deploy-time value (or holds one), if any. */
export function deployTimeField(value: unknown, at = ''): string | undefined {
  if (Token.isUnresolved(value)) return at || '(the whole object)';
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = deployTimeField(item, `${at}[${i}]`);
      if (found !== undefined) return found;
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const field = /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? `${at ? '.' : ''}${key}` : `[${JSON.stringify(key)}]`;
      if (Token.isUnresolved(key)) return `${at}${field} (its key)`;
      const found = deployTimeField(item, `${at}${field}`);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}
