/**
 * Evaluates the CloudFormation intrinsics this library emits (Ref, Fn::GetAtt, Fn::Join, Fn::Select,
 * Fn::Split) with given values, so a token-valued trust policy can be compared as the JSON IAM receives.
 */
export interface IntrinsicValues {
  /** Values of `Ref <name>` (parameters and resources). */
  readonly refs?: Record<string, string>;
  /** Values of `Fn::GetAtt [<resource>, <attribute>]`, keyed `<resource>.<attribute>`. */
  readonly attributes?: Record<string, string>;
}

export function evaluateIntrinsics(value: unknown, values: IntrinsicValues): any {
  if (Array.isArray(value)) return value.map(v => evaluateIntrinsics(v, values));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1) {
    const [fn, arg] = entries[0];
    const args = arg as any;
    switch (fn) {
      case 'Ref':
        return lookup(values.refs, args, 'Ref');
      case 'Fn::GetAtt':
        return lookup(values.attributes, `${args[0]}.${args[1]}`, 'Fn::GetAtt');
      case 'Fn::Join':
        return (evaluateIntrinsics(args[1], values) as string[]).join(args[0]);
      case 'Fn::Select':
        return (evaluateIntrinsics(args[1], values) as string[])[Number(args[0])];
      case 'Fn::Split':
        return (evaluateIntrinsics(args[1], values) as string).split(args[0]);
      default:
        if (fn.startsWith('Fn::')) throw new Error(`unsupported intrinsic ${fn}`);
    }
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, evaluateIntrinsics(v, values)]));
}

function lookup(table: Record<string, string> | undefined, key: string, what: string): string {
  const found = table?.[key];
  if (found === undefined) throw new Error(`no value given for ${what} ${key}`);
  return found;
}
