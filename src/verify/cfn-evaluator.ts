/**
 * Evaluates the CloudFormation intrinsic functions found in IRSA templates (Ref, Fn::GetAtt, Fn::Join,
 * Fn::Select, Fn::Split, Fn::Sub, Fn::ImportValue) to the values CloudFormation would pass to IAM, given
 * what only a deployment knows (parameter values, attributes of other resources).
 */

/** Looks up what an intrinsic refers to; `undefined` means the value is not known. */
export interface CfnLookup {
  ref(logicalId: string): string | undefined;
  getAtt(logicalId: string, attribute: string): string | undefined;
  importValue(exportName: string): string | undefined;
}

/** A value the template needs but nobody supplied, with the flag that supplies it. */
export class UnresolvedValueError extends Error {
  constructor(public readonly what: string, public readonly hint: string) {
    super(`${what} is only known at deploy time: ${hint}`);
    this.name = 'UnresolvedValueError';
  }
}

export function evaluateCfn(value: unknown, lookup: CfnLookup): any {
  if (Array.isArray(value)) return value.map(v => evaluateCfn(v, lookup));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1 && (entries[0][0] === 'Ref' || entries[0][0].startsWith('Fn::'))) {
    return evaluateIntrinsic(entries[0][0], entries[0][1], lookup);
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, evaluateCfn(v, lookup)]));
}

function evaluateIntrinsic(fn: string, arg: any, lookup: CfnLookup): any {
  switch (fn) {
    case 'Ref':
      return ref(arg, lookup);
    case 'Fn::GetAtt': {
      const [logicalId, attribute] = typeof arg === 'string' ? splitOnce(arg, '.') : arg;
      return getAtt(logicalId, evaluateCfn(attribute, lookup), lookup);
    }
    case 'Fn::Join': {
      const parts = evaluateCfn(arg[1], lookup) as unknown[];
      return parts.join(arg[0]);
    }
    case 'Fn::Select': {
      const list = evaluateCfn(arg[1], lookup) as unknown[];
      const index = Number(evaluateCfn(arg[0], lookup));
      if (!(index >= 0 && index < list.length)) {
        throw new Error(`Fn::Select index ${index} is out of range for ${JSON.stringify(list)}`);
      }
      return list[index];
    }
    case 'Fn::Split':
      return String(evaluateCfn(arg[1], lookup)).split(arg[0]);
    case 'Fn::Sub':
      return sub(arg, lookup);
    case 'Fn::ImportValue': {
      const name = evaluateCfn(arg, lookup);
      const found = lookup.importValue(name);
      if (found === undefined) throw new UnresolvedValueError(`export ${name}`, 'include the stack that exports it');
      return found;
    }
    default:
      throw new Error(`the intrinsic function ${fn} is not supported here`);
  }
}

function ref(name: string, lookup: CfnLookup): string {
  const found = lookup.ref(name);
  if (found === undefined) throw new UnresolvedValueError(`Ref ${name}`, `pass --parameter ${name}=<value>`);
  return found;
}

function getAtt(logicalId: string, attribute: string, lookup: CfnLookup): string {
  const found = lookup.getAtt(logicalId, attribute);
  if (found === undefined) {
    throw new UnresolvedValueError(`Fn::GetAtt ${logicalId}.${attribute}`, `pass --attribute ${logicalId}.${attribute}=<value>`);
  }
  return found;
}

function sub(arg: any, lookup: CfnLookup): string {
  const [template, variables] = typeof arg === 'string' ? [arg, {}] : [arg[0], evaluateCfn(arg[1] ?? {}, lookup)];
  return (template as string).replace(/\$\{([^}]+)\}/g, (_whole, name: string) => {
    if (name.startsWith('!')) return `\${${name.slice(1)}}`;
    if (name in variables) return String(variables[name]);
    if (name.includes('.') && !name.startsWith('AWS::')) {
      const [logicalId, attribute] = splitOnce(name, '.');
      return getAtt(logicalId, attribute, lookup);
    }
    return ref(name, lookup);
  });
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return [text.slice(0, at), text.slice(at + 1)];
}
