import { Stack, Token } from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { IConstruct } from 'constructs';

/** The role ARN as far as it is known at synth time. */
export interface RoleArnAtSynth {
  /** The literal ARN, when every part of it is known. */
  readonly arn?: string;
  /** Why the ARN is not known at synth time, as a sentence for an error message. */
  readonly unknownBecause?: string;
}

/**
 * Builds `arn:<partition>:iam::<account>:role<path><name>` from literal parts.
 *
 * `role.roleArn` is a CloudFormation token; written into a cdk8s chart it would leave `${Token[...]}` in the
 * YAML. The role name is ours to choose and the rest comes from the stack's environment, so the ARN can be
 * computed before CloudFormation creates the role whenever the stack has a concrete account and region.
 */
export function roleArnAtSynth(scope: IConstruct, roleName: string, path: string): RoleArnAtSynth {
  const stack = Stack.of(scope);
  if (Token.isUnresolved(stack.account)) {
    return { unknownBecause: `stack '${stack.node.path}' has no concrete account (env.account)` };
  }
  if (Token.isUnresolved(stack.region)) {
    return { unknownBecause: `stack '${stack.node.path}' has no concrete region (env.region), so its partition is unknown` };
  }
  const partition = Token.isUnresolved(stack.partition) ? RegionInfo.get(stack.region).partition : stack.partition;
  if (partition === undefined) {
    return { unknownBecause: `the partition of region '${stack.region}' is not known to this version of aws-cdk-lib` };
  }
  if (Token.isUnresolved(roleName) || Token.isUnresolved(path)) {
    return { unknownBecause: 'the role name or path is a token' };
  }
  return { arn: `arn:${partition}:iam::${stack.account}:role${path}${roleName}` };
}
