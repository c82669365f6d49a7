import { Stack, Token } from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { IConstruct } from 'constructs';
import { failWithoutScope } from '../private/construct-error';
import { EKS_CLUSTER_NAME } from '../private/validate-eks';

/** Fails for a required list that is empty: an empty scope must never mean "everything". */
export function requireNonEmpty(factory: string, option: string, values: readonly unknown[] | undefined, fix: string): void {
  if (!values || values.length === 0) {
    failWithoutScope(`IrsaAddon.${factory}: ${option} is ${values ? 'empty' : 'missing'}, and an empty scope would grant nothing or everything. ${fix}`);
  }
}

/**
 * Fails unless `clusterName` is a literal EKS cluster name. Presets that call this put the name into IAM condition keys
 * (`aws:ResourceTag/k8s.io/cluster-autoscaler/<name>`), and a key cannot be a deploy-time value.
 */
export function requireLiteralClusterName(factory: string, clusterName: string | undefined): string {
  const fix = "Pass the EKS cluster's name as a literal string, such as clusterName: 'my-cluster'.";
  if (clusterName === undefined || clusterName === '') {
    failWithoutScope(`IrsaAddon.${factory}: clusterName is ${clusterName === undefined ? 'missing' : 'empty'}. ${fix}`);
  }
  if (Token.isUnresolved(clusterName)) {
    failWithoutScope(`IrsaAddon.${factory}: clusterName is a token, but it goes into IAM condition keys, which must be literal. ${fix} `
      + 'A cluster created in this app has a literal name when you set its clusterName property; use that string.');
  }
  if (!EKS_CLUSTER_NAME.test(clusterName)) {
    failWithoutScope(`IrsaAddon.${factory}: clusterName '${clusterName}' is not an EKS cluster name `
      + '(1 to 100 letters, digits, hyphens and underscores, starting with a letter or digit). Pass the name the cluster has in EKS.');
  }
  return clusterName;
}

/**
 * The endpoint host of an AWS service in a region (`secretsmanager.eu-west-2.amazonaws.com`), as `kms:ViaService`
 * names it: with the partition's own domain (`amazonaws.com.cn` in China), literal whenever the region is.
 */
export function serviceEndpoint(scope: IConstruct, service: string, region: string): string {
  const suffix = Token.isUnresolved(region) ? undefined : RegionInfo.get(region).domainSuffix;
  return `${service}.${region}.${suffix ?? Stack.of(scope).urlSuffix}`;
}
