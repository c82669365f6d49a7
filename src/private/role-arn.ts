import { Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/*
 * The partition of a region, by the prefix rule aws-cdk-lib's region facts are generated from (`partitionInformation`
 * in aws-cdk-lib/region-info, which its package exports do not expose). `RegionInfo.get(region).partition` gives the
 * same answer for every region it knows (test/private/role-arn.test.ts checks them all), but loading its facts costs
 * about 9 MiB and 75 ms per synth, for one string.
 */
const PARTITION_PREFIXES: ReadonlyArray<[string, string]> = [
  ['cn-', 'aws-cn'],
  ['us-gov-', 'aws-us-gov'],
  ['us-iso-', 'aws-iso'],
  ['us-isob-', 'aws-iso-b'],
  ['us-isof-', 'aws-iso-f'],
  ['eu-isoe-', 'aws-iso-e'],
  ['eusc-de-', 'aws-eusc'],
];
const REGION = /^[a-z]{2,}(-[a-z]+)+-\d+$/;

/** The partition of `region` (`aws` unless its prefix says otherwise), or `undefined` if it is not a region name. */
export function partitionOfRegion(region: string): string | undefined {
  if (!REGION.test(region)) return undefined;
  return PARTITION_PREFIXES.find(([prefix]) => region.startsWith(prefix))?.[1] ?? 'aws';
}

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
  const partition = Token.isUnresolved(stack.partition) ? partitionOfRegion(stack.region) : stack.partition;
  if (partition === undefined) {
    return { unknownBecause: `'${stack.region}' is not a region name, so its partition is unknown` };
  }
  if (Token.isUnresolved(roleName) || Token.isUnresolved(path)) {
    return { unknownBecause: 'the role name or path is a token' };
  }
  return { arn: `arn:${partition}:iam::${stack.account}:role${path}${roleName}` };
}
