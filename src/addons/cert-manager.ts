import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { AddonDefinition } from './addon-definition';
import { requireNonEmpty } from './addon-helpers';

/**
 * Options for the role of cert-manager's ACME DNS-01 solver with Route 53.
 */
export interface CertManagerOptions {
  /**
   * The hosted zones cert-manager writes its `_acme-challenge` TXT records into. Nothing outside them is writable, and
   * inside them only TXT records are.
   */
  readonly hostedZones: route53.IHostedZone[];
}

/**
 * cert-manager's controller (`cert-manager/cert-manager`, chart `jetstack/cert-manager`) solves ACME DNS-01
 * challenges with Route 53; its webhook and cainjector call no AWS API, so only the controller is trusted.
 *
 * Permissions track cert-manager's Route 53 guide (`cert-manager/website`
 * `content/docs/configuration/acme/dns01/route53.md`, "Set up an IAM Policy", the current docs on master):
 * `route53:GetChange` on `change/*` (change IDs are not known in advance), `route53:ChangeResourceRecordSets` and
 * `route53:ListResourceRecordSets` on the given zones instead of upstream's `hostedzone/*`, with upstream's condition
 * that every changed record is a TXT record, and `route53:ListHostedZonesByName` on `*` (it has no resource-level
 * permissions; cert-manager needs it unless every Issuer sets `hostedZoneID`).
 */
export function certManager(options: CertManagerOptions): AddonDefinition {
  requireNonEmpty('certManager', 'hostedZones', options.hostedZones,
    'Pass the Route 53 hosted zones of the domains cert-manager issues certificates for, such as route53.HostedZone.fromHostedZoneId(this, \'Zone\', \'Z0123456789ABC\').');
  const zones = [...options.hostedZones];
  return {
    name: 'cert-manager',
    namespace: 'cert-manager',
    serviceAccountNames: ['cert-manager'],
    policySource: {
      document: 'cert-manager/website content/docs/configuration/acme/dns01/route53.md, Set up an IAM Policy',
      version: 'current docs (master), with the TXT record-type condition',
    },
    managedPolicyNames: [],
    statements: scope => [
      new iam.PolicyStatement({ actions: ['route53:GetChange'], resources: [`arn:${Stack.of(scope).partition}:route53:::change/*`] }),
      new iam.PolicyStatement({
        actions: ['route53:ChangeResourceRecordSets', 'route53:ListResourceRecordSets'],
        resources: zones.map(zone => zone.hostedZoneArn),
        // A request without the key (ListResourceRecordSets) matches ForAllValues, as upstream relies on.
        conditions: { 'ForAllValues:StringEquals': { 'route53:ChangeResourceRecordSetsRecordTypes': ['TXT'] } },
      }),
      new iam.PolicyStatement({ actions: ['route53:ListHostedZonesByName'], resources: ['*'] }),
    ],
    helmValues: ([controller]) => ({ serviceAccount: { create: true, ...controller } }),
  };
}
