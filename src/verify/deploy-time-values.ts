import { evaluateIntrinsics, Unevaluated } from '../private/cfn-intrinsics';

/** What a deployment would give the references of a template; `undefined` means the value is not known. */
export interface DeployedValues {
  ref(name: string): string | undefined;
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

/**
 * Evaluates the intrinsic functions of a template value to what CloudFormation would pass to IAM, given `values`.
 * A reference nobody supplied is an `UnresolvedValueError` naming the flag that supplies it; a function this
 * evaluator does not know, or a malformed one, is an error too: `verify` never guesses.
 */
export function evaluateAsDeployed(value: unknown, values: DeployedValues): any {
  return evaluateIntrinsics(value, {
    ref: name => values.ref(name),
    getAtt: (logicalId, attribute) => values.getAtt(logicalId, attribute),
    importValue: name => values.importValue(name),
    unevaluated: (_, why) => {
      throw errorFor(why);
    },
    isKnown: () => true,
  });
}

function errorFor(why: Unevaluated): Error {
  switch (why.reason) {
    case 'ref': return new UnresolvedValueError(`Ref ${why.name}`, `pass --parameter ${why.name}=<value>`);
    case 'attribute': return new UnresolvedValueError(`Fn::GetAtt ${why.logicalId}.${why.attribute}`, `pass --attribute ${why.logicalId}.${why.attribute}=<value>`);
    case 'export': return new UnresolvedValueError(`export ${why.name}`, 'include the stack that exports it');
    case 'unsupported': return new Error(`the intrinsic function ${why.functionName} is not supported here`);
    case 'malformed': return new Error(why.problem);
    case 'partly-known': return new Error('a value is only partly known');
  }
}
