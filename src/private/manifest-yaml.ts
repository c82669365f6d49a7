import * as cdk8s from 'cdk8s';

/*
 * `cdk8s.Yaml.stringify(...docs)`, byte for byte, without its cost on the manifests cdk-irsa writes.
 *
 * Every chart is rendered to YAML at synth, one chart per ServiceAccount by default. cdk8s renders with the `yaml`
 * library, which builds a document model per manifest. Profiling `npm run bench` showed that rendering was the
 * largest cost cdk-irsa added to a ServiceAccount on top of its IAM role: about 120 ms of 660 ms for 400
 * ServiceAccounts, most of it spent warming up code that a single `cdk synth` never runs often enough to optimize.
 * This emitter writes the common shape of Kubernetes manifests directly: maps, lists, safe integers, booleans,
 * null, and strings that YAML 1.1 (the schema cdk8s writes) reads back as the same string without quotes. A
 * document holding anything else (strings that need quotes, long strings, floats, nested lists, an object
 * referenced twice, tokens) is left to cdk8s whole, so the output never differs; test/private/manifest-yaml.test.ts
 * compares the two on generated documents.
 */

/** Strings `yaml` writes without quotes: a letter, then characters that cannot start a comment, flow or tag. */
const PLAIN = /^[A-Za-z][A-Za-z0-9._/:@+=-]*$/;
/** YAML 1.1 booleans and null, which would need quotes (compared case-insensitively: a superset is safe). */
const RESERVED = new Set(['y', 'n', 'yes', 'no', 'true', 'false', 'on', 'off', 'null']);
/** The one YAML 1.1 number that starts with a letter: an exponent without a mantissa (`e5`). */
const EXPONENT = /^[eE][-+]?[0-9]+$/;
/** Longer keys become explicit (`? key`) in `yaml`; leave long strings to it. */
const MAX_PLAIN = 1000;

/** Thrown inside the emitter when a document has something it does not write; caught per document. */
class Unsupported extends Error {}

/** Renders chart manifests (`chart.toJson()`) exactly as `cdk8s.Yaml.stringify(...docs)` does. */
export function stringifyManifests(docs: unknown[]): string {
  return docs.map(doc => {
    if (isMap(doc) && Object.keys(doc).length > 0) {
      try {
        return map(doc, '', new Set());
      } catch (e) {
        if (!(e instanceof Unsupported)) throw e;
      }
    }
    return cdk8s.Yaml.stringify(doc);
  }).join('---\n');
}

function isMap(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function scalar(value: unknown): string {
  switch (typeof value) {
    case 'string':
      if (value.length > MAX_PLAIN || !PLAIN.test(value) || value.endsWith(':') || RESERVED.has(value.toLowerCase()) ||
        EXPONENT.test(value)) {
        throw new Unsupported();
      }
      return value;
    case 'boolean':
      return String(value);
    case 'number':
      if (!Number.isSafeInteger(value) || Object.is(value, -0)) throw new Unsupported();
      return String(value);
    default:
      if (value === null) return 'null';
      throw new Unsupported();
  }
}

/**
 * The lines of a non-empty map, each indented by `indent`. `seen` holds the collections of the document so far:
 * `yaml` writes an object that appears twice as an anchor and an alias (`&a1`, `*a1`).
 */
function map(value: Record<string, unknown>, indent: string, seen: Set<object>): string {
  visit(value, seen);
  let out = '';
  for (const [key, item] of Object.entries(value)) {
    out += `${indent}${scalar(key)}:${nested(item, indent, seen)}`;
  }
  return out;
}

function visit(collection: object, seen: Set<object>): void {
  if (seen.has(collection)) throw new Unsupported();
  seen.add(collection);
}

/** What follows `key:` or `-`: an inline scalar or empty collection, or the lines of a collection below it. */
function nested(item: unknown, indent: string, seen: Set<object>): string {
  if (Array.isArray(item)) {
    visit(item, seen);
    return item.length === 0 ? ' []\n' : `\n${list(item, `${indent}  `, seen)}`;
  }
  if (isMap(item)) {
    if (Object.keys(item).length > 0) return `\n${map(item, `${indent}  `, seen)}`;
    visit(item, seen);
    return ' {}\n';
  }
  return ` ${scalar(item)}\n`;
}

/** The lines of a non-empty list, `- ` at `indent`; a map item starts on the dash's line. */
function list(items: unknown[], indent: string, seen: Set<object>): string {
  let out = '';
  for (const item of items) {
    if (Array.isArray(item)) throw new Unsupported();
    if (isMap(item)) {
      if (Object.keys(item).length === 0) throw new Unsupported();
      out += `${indent}- ${map(item, `${indent}  `, seen).slice(indent.length + 2)}`;
    } else {
      out += `${indent}- ${scalar(item)}\n`;
    }
  }
  return out;
}
