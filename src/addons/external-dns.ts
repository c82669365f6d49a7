import * as iam from 'aws-cdk-lib/aws-iam';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { AddonDefinition } from './addon-definition';
import { requireNonEmpty } from './addon-helpers';

/**
 * Options for the role of ExternalDNS with its Route 53 provider.
 */
export interface ExternalDnsOptions {
  /**
   * The hosted zones whose records ExternalDNS may read and change. Nothing outside them is writable.
   *
   * ExternalDNS lists the records of every zone that passes its own filters, so keep those filters (`domainFilters`,
   * or `--zone-id-filter` arguments) to these zones: a zone outside them fails with AccessDenied.
   */
  readonly hostedZones: route53.IHostedZone[];

  /**
   * Domains ExternalDNS manages, for the chart's `domainFilters` value.
   *
   * @default - not in the Helm values: ExternalDNS considers every zone it can list
   */
  readonly domainFilters?: string[];
}

/**
 * ExternalDNS (`external-dns/external-dns`, chart `external-dns/external-dns`, EKS community add-on `external-dns`)
 * publishes DNS records for Services and Ingresses.
 *
 * Permissions track the IAM policy of ExternalDNS's AWS tutorial (`kubernetes-sigs/external-dns`
 * `docs/tutorials/aws.md`, docs v0.23.0): `route53:ChangeResourceRecordSets`, `route53:ListResourceRecordSets` and
 * `route53:ListTagsForResources` on the given zones instead of upstream's `hostedzone/*`, and `route53:ListHostedZones`
 * on `*` (it has no resource-level permissions).
 */
export function externalDns(options: ExternalDnsOptions): AddonDefinition {
  requireNonEmpty('externalDns', 'hostedZones', options.hostedZones,
    'Pass the Route 53 hosted zones ExternalDNS manages, such as route53.HostedZone.fromHostedZoneId(this, \'Zone\', \'Z0123456789ABC\').');
  const zones = [...options.hostedZones];
  const domainFilters = options.domainFilters ? [...options.domainFilters] : undefined;
  return {
    name: 'external-dns',
    namespace: 'external-dns',
    serviceAccountNames: ['external-dns'],
    eksAddonName: 'external-dns',
    policySource: { document: 'kubernetes-sigs/external-dns docs/tutorials/aws.md, IAM Policy', version: 'docs v0.23.0' },
    managedPolicyNames: [],
    statements: () => [
      new iam.PolicyStatement({
        actions: ['route53:ChangeResourceRecordSets', 'route53:ListResourceRecordSets', 'route53:ListTagsForResources'],
        resources: zones.map(zone => zone.hostedZoneArn),
      }),
      new iam.PolicyStatement({ actions: ['route53:ListHostedZones'], resources: ['*'] }),
    ],
    helmValues: ([controller]) => ({
      provider: { name: 'aws' },
      ...(domainFilters ? { domainFilters } : {}),
      serviceAccount: { create: true, ...controller },
    }),
  };
}
