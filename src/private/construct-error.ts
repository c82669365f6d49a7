import { IConstruct } from 'constructs';

/** Throws an error that starts with the construct's kind and path, so users can find the bad call. */
export function fail(scope: IConstruct, kind: string, message: string): never {
  throw new Error(`${kind} '${scope.node.path}': ${message}`);
}
