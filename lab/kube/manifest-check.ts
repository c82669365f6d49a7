import * as fs from 'fs';
import * as YAML from 'yaml';
import { KubeApiError } from './kube-client';
import { KubeLab } from './kube-lab';
import { sameQuantity } from './quantity';

/** One object of a manifest file, as the API server stored it. */
export interface StoredObject {
  /** `Kind namespace/name`. */
  readonly object: string;
  /** The first field the file sets that the API server stored otherwise (or dropped), if any. */
  readonly difference?: string;
}

/** What applying a manifest file server-side gave. */
export interface ManifestResult {
  readonly file: string;
  /** Whether the API server accepted every object. */
  readonly accepted: boolean;
  /** kubectl's output: one line per object, or the API server's refusal. */
  readonly output: string;
  /** Each object as read back, when accepted. */
  readonly objects: StoredObject[];
  /** Namespaces the file uses but does not create, which were created first, as a user must. */
  readonly namespacesCreated: string[];
}

/**
 * Applies a manifest file to the real API server as `kubectl apply --server-side` does (schema, names, field types and
 * the order of objects are the API server's to judge), then reads every object back and compares each field the file
 * sets with what was stored.
 */
export async function applyAndReadBack(lab: KubeLab, file: string): Promise<ManifestResult> {
  const documents = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8')).map(d => d.toJSON()).filter(d => d);
  const namespacesCreated = await createMissingNamespaces(lab, documents);
  const applied = await lab.apply(file);
  const output = `${applied.stdout}${applied.stderr}`.trim();
  if (applied.code !== 0) return { file, accepted: false, output, objects: [], namespacesCreated };
  const readBack = await lab.kubectl(['get', '-f', file, '-o', 'json']);
  if (readBack.code !== 0) throw new Error(`kubectl get -f ${file} failed: ${readBack.stderr}`);
  const stored: any[] = JSON.parse(readBack.stdout).items ?? [JSON.parse(readBack.stdout)];
  const objects = documents.map((document, i) => ({
    object: describeObject(document),
    difference: firstDifference(document, stored[i], ''),
  }));
  return { file, accepted: true, output, objects, namespacesCreated };
}

/** `Kind namespace/name`, as messages name an object. */
export function describeObject(object: any): string {
  const namespace = object.metadata?.namespace;
  return `${object.kind} ${namespace ? `${namespace}/` : ''}${object.metadata?.name}`;
}

/**
 * Whether the API server's refusal names `object`: a validation error quotes its name (`ServiceAccount "x" is
 * invalid`), a schema error gives `namespace/name; /v1, Kind=ServiceAccount`.
 */
export function refusalNames(output: string, object: any): boolean {
  const { name, namespace } = object.metadata;
  const groupVersion = object.apiVersion.includes('/') ? object.apiVersion : `/${object.apiVersion}`;
  return output.includes(`${object.kind} "${name}"`)
    || output.includes(`${namespace ? `${namespace}/` : ''}${name}; ${groupVersion}, Kind=${object.kind}`);
}

async function createMissingNamespaces(lab: KubeLab, documents: any[]): Promise<string[]> {
  const defined = new Set(documents.filter(d => d.kind === 'Namespace').map(d => d.metadata.name));
  const used = [...new Set(documents.map(d => d.metadata?.namespace).filter((n): n is string => !!n && !defined.has(n)))];
  const created: string[] = [];
  for (const name of used) {
    try {
      await lab.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
      created.push(name);
    } catch (e) {
      if (!(e instanceof KubeApiError && e.status === 409)) throw e;
    }
  }
  return created;
}

/**
 * The path of the first value in `expected` that `actual` lacks or holds otherwise; lists compare item by item. What
 * the API server normalizes is not a difference: an empty, zero or false value it leaves out (`minReadySeconds: 0`,
 * `externalIPs: []`, `hostNetwork: false`) and a quantity it stores in canonical form (`2048Mi` as `2Gi`). A value
 * the API server does not know is refused at apply (kubectl validates strictly), so what it leaves out can only be
 * a field's default; where the default differs it keeps the value (`automountServiceAccountToken: false`).
 */
export function firstDifference(expected: unknown, actual: unknown, at: string): string | undefined {
  if (actual === undefined && isEmptyValue(expected)) return undefined;
  if (typeof expected === 'string' && typeof actual === 'string' && sameQuantity(expected, actual)) return undefined;
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(expected) !== Array.isArray(actual)) {
      return `${at || '.'}: ${JSON.stringify(expected)} was stored as ${JSON.stringify(actual)}`;
    }
    for (const [key, value] of Object.entries(expected)) {
      const difference = firstDifference(value, (actual as any)[key], Array.isArray(expected) ? `${at}[${key}]` : `${at}.${key}`);
      if (difference) return difference;
    }
    return undefined;
  }
  return expected === actual ? undefined : `${at}: ${JSON.stringify(expected)} was stored as ${JSON.stringify(actual)}`;
}

function isEmptyValue(value: unknown): boolean {
  return value === 0 || value === '' || value === false || (Array.isArray(value) && value.length === 0)
    || (value !== null && typeof value === 'object' && Object.keys(value).length === 0);
}
