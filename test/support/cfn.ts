import { evaluateAsDeployed } from '../../src/verify/deploy-time-values';

/** Values for the intrinsics of a template: `Ref` by name, `Fn::GetAtt` by `<logicalId>.<attribute>`. */
export interface IntrinsicValues {
  readonly refs?: Record<string, string>;
  readonly attributes?: Record<string, string>;
}

/** Evaluates a template value as CloudFormation would, with the given values. */
export function evaluateIntrinsics(value: unknown, values: IntrinsicValues): any {
  return evaluateAsDeployed(value, {
    ref: name => values.refs?.[name],
    getAtt: (logicalId, attribute) => values.attributes?.[`${logicalId}.${attribute}`],
    importValue: () => undefined,
  });
}
