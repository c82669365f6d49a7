/**
 * IAM condition evaluation for string keys: the operators a trust policy can use, with the `ForAnyValue:`/
 * `ForAllValues:` set prefixes, the `IfExists` suffix and `Null`, following the IAM documentation's rules for missing
 * keys and multi-valued keys. Anything else fails closed. `cdk-irsa verify` evaluates trust policies with it, and the
 * audit matches actions with its glob.
 */

/** Request context: condition key (any case) → its values. A missing key is absent from the map. */
export type RequestContext = Record<string, string[]>;

/** Why one condition did not hold, for the explanation STS never gives. */
export interface ConditionFailure {
  readonly operator: string;
  readonly key: string;
  readonly policyValues: string[];
  /** The request's values; `undefined` when the request has no such key. */
  readonly requestValues?: string[];
}

type Matcher = (requestValue: string, policyValue: string) => boolean;

const MATCHERS: Record<string, { match: Matcher; negated: boolean }> = {
  stringequals: { match: (r, p) => r === p, negated: false },
  stringnotequals: { match: (r, p) => r === p, negated: true },
  stringequalsignorecase: { match: (r, p) => r.toLowerCase() === p.toLowerCase(), negated: false },
  stringnotequalsignorecase: { match: (r, p) => r.toLowerCase() === p.toLowerCase(), negated: true },
  stringlike: { match: (r, p) => globToRegExp(p).test(r), negated: false },
  stringnotlike: { match: (r, p) => globToRegExp(p).test(r), negated: true },
  // ARNs compare like StringLike, `*` and `?` within the ARN (IAM matches them per ARN part; no key here spans parts).
  arnequals: { match: (r, p) => globToRegExp(p).test(r), negated: false },
  arnlike: { match: (r, p) => globToRegExp(p).test(r), negated: false },
  arnnotequals: { match: (r, p) => globToRegExp(p).test(r), negated: true },
  arnnotlike: { match: (r, p) => globToRegExp(p).test(r), negated: true },
};

/** Evaluates a statement's `Condition` block: every operator and every key in it must hold. */
export function evaluateConditions(condition: Record<string, Record<string, unknown>> | undefined, context: RequestContext): ConditionFailure[] {
  const lowered = Object.fromEntries(Object.entries(context).map(([k, v]) => [k.toLowerCase(), v]));
  const failures: ConditionFailure[] = [];
  for (const [operator, keys] of Object.entries(condition ?? {})) {
    for (const [key, raw] of Object.entries(keys ?? {})) {
      const policyValues = [raw].flat().map(v => String(v));
      const requestValues = lowered[key.toLowerCase()];
      if (!holds(operator, policyValues, requestValues)) {
        failures.push({ operator, key, policyValues, requestValues });
      }
    }
  }
  return failures;
}

function holds(operator: string, policyValues: string[], requestValues: string[] | undefined): boolean {
  const present = requestValues !== undefined && requestValues.length > 0;
  let name = operator.toLowerCase();
  if (name === 'null') {
    // "true" asks for the key to be absent, "false" for it to be present.
    return policyValues.some(v => v.toLowerCase() === 'true') ? !present : present;
  }
  let set: 'any' | 'all' | undefined;
  if (name.startsWith('foranyvalue:')) {
    set = 'any';
    name = name.slice('foranyvalue:'.length);
  } else if (name.startsWith('forallvalues:')) {
    set = 'all';
    name = name.slice('forallvalues:'.length);
  }
  const ifExists = name.endsWith('ifexists');
  if (ifExists) name = name.slice(0, -'ifexists'.length);
  const matcher = MATCHERS[name];
  if (!matcher) return false;

  if (!present) {
    if (ifExists) return true;
    if (set === 'all') return true;
    if (set === 'any') return false;
    return matcher.negated;
  }
  // A value satisfies a positive operator when it matches any policy value, a negated one when it matches none.
  const satisfies = (value: string) => policyValues.some(p => matcher.match(value, p)) !== matcher.negated;
  if (set === 'all') return requestValues!.every(satisfies);
  if (set === 'any') return requestValues!.some(satisfies);
  return matcher.negated ? requestValues!.every(satisfies) : requestValues!.some(satisfies);
}

/** `*` matches any run of characters and `?` any one character; nothing else is special. */
export function globToRegExp(pattern: string): RegExp {
  const body = pattern.split('').map(c => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, 's');
}
