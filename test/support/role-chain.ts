import { Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import { testApp } from './app';
import { podIdentityStatement } from './pod-identity-audit';

/*
 * An EKS Pod Identity chain written as L1 resources, for the chain rules (IRSA15 to IRSA18): an association role in
 * the cluster's account, an association that names a target role, and the target role, in one stack or two accounts.
 */

export const ASSOCIATION_ROLE_ARN = 'arn:aws:iam::111111111111:role/orders-pod-identity';
/** The target role's ARN in the data account; in the cluster's own stack (`sameStack`) it is in 111111111111. */
export const TARGET_ROLE_ARN = 'arn:aws:iam::222222222222:role/orders-reader';

export interface ChainOptions {
  /** The target role's trust statements. */
  readonly targetTrust: unknown[];
  /** Put the target role in the cluster's stack (so its ExternalId is reachable) rather than another account's. */
  readonly sameStack?: boolean;
  /** The association role's permission statements. */
  readonly permissions?: unknown[];
  readonly disableSessionTags?: boolean;
}

/** The stacks of a chain; `target` holds the target role (`Stack/Target`). */
export function chain(options: ChainOptions): { cluster: Stack; target: Stack } {
  const app = testApp();
  const cluster = new Stack(app, 'Cluster', { env: { account: '111111111111', region: 'eu-west-1' } });
  const target = options.sameStack ? cluster : new Stack(app, 'Data', { env: { account: '222222222222', region: 'eu-west-1' } });
  const targetRoleArn = options.sameStack ? 'arn:aws:iam::111111111111:role/orders-reader' : TARGET_ROLE_ARN;
  const role = new iam.CfnRole(cluster, 'AssociationRole', {
    roleName: 'orders-pod-identity',
    assumeRolePolicyDocument: { Version: '2012-10-17', Statement: [podIdentityStatement()] },
    policies: [{
      policyName: 'chain',
      policyDocument: {
        Version: '2012-10-17',
        Statement: options.permissions ?? [{ Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:TagSession'], Resource: targetRoleArn }],
      },
    }],
  });
  new eks.CfnPodIdentityAssociation(cluster, 'Association', {
    clusterName: 'prod',
    namespace: 'shop',
    serviceAccount: 'orders',
    roleArn: role.attrArn,
    targetRoleArn,
    disableSessionTags: options.disableSessionTags,
  });
  new iam.CfnRole(target, 'Target', {
    roleName: 'orders-reader',
    assumeRolePolicyDocument: { Version: '2012-10-17', Statement: options.targetTrust },
  });
  return { cluster, target };
}

/** The trust PodIdentityTargetRole writes for the chain's association (with the ExternalId when `externalId` is set). */
export function exactTargetTrust(externalId?: unknown): unknown[] {
  const tags = podIdentityStatement().Condition.StringEquals;
  const pins = externalId === undefined ? tags : { ...tags, 'sts:ExternalId': externalId };
  return [
    { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: ASSOCIATION_ROLE_ARN }, Condition: { StringEquals: pins } },
    { Effect: 'Allow', Action: 'sts:TagSession', Principal: { AWS: ASSOCIATION_ROLE_ARN }, Condition: { StringEquals: tags } },
  ];
}
