import * as path from 'path';
import { IConstruct } from 'constructs';

/*
 * Errors for bad input, shown the way aws-cdk-lib shows its ValidationError: the message, then the user's own call
 * site. Our frames are cut from the stack, because ts-node (and source-map-support, which the CDK's TypeScript apps
 * run under) prints the code of the first frame above the message, and ours would point into src/, which is not even
 * in the package. aws-cdk-lib's own ValidationError is internal to it, so cdk-irsa has its own.
 */

/** The directories our code runs from: `src/` under ts-jest and ts-node, `lib/` once compiled and installed. */
const OUR_CODE = ['src', 'lib'].map(dir => path.join(path.resolve(__dirname, '..', '..'), dir) + path.sep);

/** An error in the input of a cdk-irsa construct or function. */
class ValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValidationError';
    this.stack = [`${this.name}: ${message}`, ...framesOutsideOurCode(this.stack ?? '')].join('\n');
  }
}

/** Throws an error that starts with the construct's kind and path, so users can find the bad call. */
export function fail(scope: IConstruct, kind: string, message: string): never {
  throw new ValidationError(`${kind} '${scope.node.path}': ${message}`);
}

/** Throws an error about input that belongs to no construct (the arguments of a static factory, say). */
export function failWithoutScope(message: string): never {
  throw new ValidationError(message);
}

/** The stack's frames (`    at …` lines), without those in cdk-irsa's own files. */
function framesOutsideOurCode(stack: string): string[] {
  return stack.split('\n')
    .filter(line => /^\s+at /.test(line))
    .filter(line => !OUR_CODE.some(dir => line.includes(dir)));
}
