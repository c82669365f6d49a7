/*
 * One evaluator of the CloudFormation intrinsic functions found in trust policies and IRSA templates: Ref,
 * Fn::GetAtt, Fn::Join, Fn::Split, Fn::Select, Fn::Sub and Fn::ImportValue. What a reference stands for, and what
 * becomes of a value that cannot be evaluated, is the caller's to say: at synth time it is a placeholder that the
 * audit can still compare; in `cdk-irsa verify` it is an error that names the flag supplying it.
 */

/** Why an intrinsic could not be evaluated. */
export type Unevaluated =
  | { readonly reason: 'ref'; readonly name: string }
  | { readonly reason: 'attribute'; readonly logicalId: string; readonly attribute: string }
  | { readonly reason: 'export'; readonly name: string }
  | { readonly reason: 'unsupported'; readonly functionName: string }
  /** An argument is itself only partly known (a deploy-time string to split, say). */
  | { readonly reason: 'partly-known' }
  /** The template is wrong: an index out of range, a list that is not one. */
  | { readonly reason: 'malformed'; readonly problem: string };

/** What the references of a template stand for, and what to make of an intrinsic that cannot be evaluated. */
export interface IntrinsicResolver {
  /** The value of `Ref name`, or `undefined` when it is not known. */
  ref(name: string): unknown;
  /** The value of `Fn::GetAtt [logicalId, attribute]`, or `undefined` when it is not known. */
  getAtt(logicalId: string, attribute: string): unknown;
  /** The value of `Fn::ImportValue name`, or `undefined` when it is not known. */
  importValue(name: string): unknown;
  /** What stands for `intrinsic` when it cannot be evaluated; may throw instead. */
  unevaluated(intrinsic: Record<string, unknown>, why: Unevaluated): unknown;
  /** Whether an evaluated value is fully known, so it can be split, indexed or looked up. */
  isKnown(value: unknown): boolean;
}

/** Whether `value` is an intrinsic function call: an object with one key, `Ref` or `Fn::…`. */
export function isIntrinsic(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'));
}

/** `value` with every intrinsic in it evaluated as far as `resolver` allows. */
export function evaluateIntrinsics(value: unknown, resolver: IntrinsicResolver): unknown {
  if (Array.isArray(value)) return value.map(v => evaluateIntrinsics(v, resolver));
  if (value === null || typeof value !== 'object') return value;
  if (isIntrinsic(value)) return evaluateCall(value, resolver);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, evaluateIntrinsics(v, resolver)]));
}

function evaluateCall(intrinsic: Record<string, unknown>, resolver: IntrinsicResolver): unknown {
  const [[name, args]] = Object.entries(intrinsic);
  const evaluate = (v: unknown) => evaluateIntrinsics(v, resolver);
  const cannot = (why: Unevaluated) => resolver.unevaluated(intrinsic, why);
  const list = Array.isArray(args) ? args : [];
  switch (name) {
    case 'Ref': {
      const found = typeof args === 'string' ? resolver.ref(args) : undefined;
      return found !== undefined ? found : cannot({ reason: 'ref', name: String(args) });
    }
    case 'Fn::GetAtt': {
      const [logicalId, attributeArg] = typeof args === 'string' ? splitOnce(args, '.') : list;
      const attribute = evaluate(attributeArg);
      if (typeof logicalId !== 'string' || typeof attribute !== 'string') return cannot({ reason: 'malformed', problem: `Fn::GetAtt ${JSON.stringify(args)} is not [logicalId, attribute]` });
      const found = resolver.getAtt(logicalId, attribute);
      return found !== undefined ? found : cannot({ reason: 'attribute', logicalId, attribute });
    }
    case 'Fn::ImportValue': {
      const exportName = evaluate(args);
      if (!resolver.isKnown(exportName)) return cannot({ reason: 'partly-known' });
      const found = resolver.importValue(String(exportName));
      return found !== undefined ? found : cannot({ reason: 'export', name: String(exportName) });
    }
    case 'Fn::Join': {
      const parts = evaluate(list[1]);
      if (typeof list[0] !== 'string' || !Array.isArray(parts)) return shapeProblem(parts, 'Fn::Join needs a delimiter and a list', cannot, resolver);
      if (!parts.every(p => typeof p === 'string' || typeof p === 'number')) return shapeProblem(parts, 'Fn::Join joins strings only', cannot, resolver);
      return parts.join(list[0]);
    }
    case 'Fn::Split': {
      const source = evaluate(list[1]);
      if (typeof list[0] !== 'string' || typeof source !== 'string') return shapeProblem(source, 'Fn::Split needs a delimiter and a string', cannot, resolver);
      // A deploy-time part might hold the delimiter: splitting around it would put the pieces in the wrong places.
      if (!resolver.isKnown(source)) return cannot({ reason: 'partly-known' });
      return source.split(list[0]);
    }
    case 'Fn::Select': {
      const index = evaluate(list[0]);
      const options = evaluate(list[1]);
      if (!resolver.isKnown(index) || !Array.isArray(options)) return shapeProblem(options, 'Fn::Select needs an index and a list', cannot, resolver);
      const at = Number(index);
      if (!(at >= 0 && at < options.length)) return cannot({ reason: 'malformed', problem: `Fn::Select index ${at} is out of range for ${JSON.stringify(options)}` });
      return options[at];
    }
    case 'Fn::Sub':
      return substitute(args, resolver);
    default:
      return cannot({ reason: 'unsupported', functionName: name });
  }
}

/** An argument of the wrong shape: only partly known at synth time, or a mistake in the template. */
function shapeProblem(argument: unknown, problem: string, cannot: (why: Unevaluated) => unknown, resolver: IntrinsicResolver): unknown {
  return cannot(resolver.isKnown(argument) ? { reason: 'malformed', problem } : { reason: 'partly-known' });
}

/** `Fn::Sub`: `${Name}` is a Ref, `${Id.Attribute}` a GetAtt, `${!Literal}` stays `${Literal}`. */
function substitute(args: unknown, resolver: IntrinsicResolver): unknown {
  const [template, variableArgs] = typeof args === 'string' ? [args, {}] : Array.isArray(args) ? args : [undefined, {}];
  const variables = evaluateIntrinsics(variableArgs ?? {}, resolver) as Record<string, unknown>;
  if (typeof template !== 'string') return resolver.unevaluated({ 'Fn::Sub': args }, { reason: 'malformed', problem: 'Fn::Sub needs a template string' });
  return template.replace(/\$\{([^}]+)\}/g, (_whole, name: string) => {
    if (name.startsWith('!')) return `\${${name.slice(1)}}`;
    if (name in variables) return String(variables[name]);
    const reference = name.includes('.') && !name.startsWith('AWS::') ? { 'Fn::GetAtt': splitOnce(name, '.') } : { Ref: name };
    return String(evaluateIntrinsics(reference, resolver));
  });
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return [text.slice(0, at), text.slice(at + 1)];
}
