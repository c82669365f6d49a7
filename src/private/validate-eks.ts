import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { fail } from './construct-error';
import { overLimit } from './length-limit';

/** EKS cluster names: 1-100 letters, digits, `-` and `_`, starting with a letter or digit. */
export const EKS_CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;

export function validateClusterName(scope: IConstruct, kind: string, clusterName: string): void {
  if (Token.isUnresolved(clusterName)) return;
  if (!EKS_CLUSTER_NAME.test(clusterName)) {
    fail(scope, kind, `clusterName ${JSON.stringify(clusterName)} is not an EKS cluster name${overLimit(clusterName, 100)}. ` +
      'Use the name the cluster has in EKS: 1-100 letters, digits, "-" or "_", starting with a letter or digit.');
  }
}
