/*
 * The add-on presets, and the table of docs/addons-and-helm.md made from them ("Presets for the common add-ons"). The rows come from the
 * presets themselves (IrsaAddon's name, namespace, ServiceAccounts, EKS add-on and policy source), so the table cannot
 * drift from the code: `npx projen addon-docs` rewrites it, and test/irsa-addon.test.ts fails when it is out of step.
 * The tests of IrsaAddonRole run every preset listed here.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { withMarkedSection } from './marked-section';
import { IrsaAddon } from '../src';

/** One preset: how users call it, which options it requires, and an instance with sample inputs. */
export interface AddonPreset {
  /** The factory call, as the docs show it. */
  readonly call: string;
  /** The options it cannot do without, for the docs. */
  readonly required: string;
  readonly make: (scope: Construct) => IrsaAddon;
}

const ACCOUNT = '123456789012';

export const ADDON_PRESETS: AddonPreset[] = [
  { call: 'awsLoadBalancerController({ clusterName?, region?, vpcId? })', required: '–', make: () => IrsaAddon.awsLoadBalancerController({ clusterName: 'prod' }) },
  {
    call: 'ebsCsiDriver({ kmsKeys? })',
    required: '–',
    make: scope => IrsaAddon.ebsCsiDriver({ kmsKeys: [kms.Key.fromKeyArn(scope, 'Key', `arn:aws:kms:eu-west-2:${ACCOUNT}:key/1234`)] }),
  },
  { call: 'efsCsiDriver()', required: '–', make: () => IrsaAddon.efsCsiDriver() },
  { call: 'vpcCni()', required: '–', make: () => IrsaAddon.vpcCni() },
  { call: 'vpcCni({ ipv6: true })', required: '–', make: () => IrsaAddon.vpcCni({ ipv6: true }) },
  {
    call: 'externalDns({ hostedZones, domainFilters? })',
    required: '`hostedZones`',
    make: scope => IrsaAddon.externalDns({ hostedZones: [route53.HostedZone.fromHostedZoneId(scope, 'Zone', 'Z0123456789ABC')] }),
  },
  {
    call: 'certManager({ hostedZones })',
    required: '`hostedZones`',
    make: scope => IrsaAddon.certManager({ hostedZones: [route53.HostedZone.fromHostedZoneId(scope, 'Zone', 'Z0123456789ABC')] }),
  },
  { call: 'clusterAutoscaler({ clusterName, region? })', required: '`clusterName` (a literal)', make: () => IrsaAddon.clusterAutoscaler({ clusterName: 'prod' }) },
  {
    call: 'karpenter({ clusterName, nodeRole, interruptionQueue? })',
    required: '`clusterName` (a literal), `nodeRole`',
    make: scope => IrsaAddon.karpenter({
      clusterName: 'prod',
      nodeRole: iam.Role.fromRoleName(scope, 'NodeRole', 'KarpenterNodeRole-prod'),
      interruptionQueue: sqs.Queue.fromQueueArn(scope, 'Queue', `arn:aws:sqs:eu-west-2:${ACCOUNT}:prod-interruptions`),
    }),
  },
  {
    call: 'externalSecrets({ secrets?, parameters?, kmsKeys? })',
    required: '`secrets` or `parameters`',
    make: scope => IrsaAddon.externalSecrets({
      secrets: [secretsmanager.Secret.fromSecretNameV2(scope, 'Secret', 'prod/db')],
      parameters: [ssm.StringParameter.fromStringParameterName(scope, 'Parameter', '/prod/feature-flags')],
    }),
  },
  {
    call: 'mountpointS3Csi({ buckets, readOnly? })',
    required: '`buckets`',
    make: scope => IrsaAddon.mountpointS3Csi({ buckets: [s3.Bucket.fromBucketName(scope, 'Bucket', 'prod-data')] }),
  },
  { call: 'cloudWatchObservability()', required: '–', make: () => IrsaAddon.cloudWatchObservability() },
];

/** How many add-ons there are presets for (one factory may have several rows, such as vpcCni's two). */
export const ADDON_COUNT = new Set(ADDON_PRESETS.map(preset => preset.call.split('(')[0])).size;

/** The docs page with the add-on table. */
export const ADDON_PAGE = path.join(__dirname, '..', 'docs', 'addons-and-helm.md');
const TABLE_START = '<!-- add-on table: made by `npx projen addon-docs` from src/addons/ -->';
const TABLE_END = '<!-- end of add-on table -->';

/** The docs page's table, one row per preset, from presets made in `scope`. */
export function addonTable(scope: Construct): string {
  const rows = ADDON_PRESETS.map((preset, i) => {
    const addon = preset.make(new Construct(scope, `Preset${i}`));
    const accounts = addon.serviceAccountNames.map(name => `\`${addon.defaultNamespace}/${name}\``).join(', ');
    return `| \`IrsaAddon.${preset.call}\` | ${accounts} | ${addon.eksAddonName ? `\`${addon.eksAddonName}\`` : '– (Helm)'} | ` +
      `${addon.policySource}, ${addon.policyVersion} | ${preset.required} |`;
  });
  return [TABLE_START, '| Preset | Trusts | EKS add-on | Permissions from | Requires |', '| --- | --- | --- | --- | --- |', ...rows, TABLE_END].join('\n');
}

/** `page` (the text of docs/addons-and-helm.md) with its add-on table replaced by the current one. */
export function withAddonTable(page: string, scope: Construct): string {
  return withMarkedSection('docs/addons-and-helm.md', page, TABLE_START, TABLE_END, addonTable(scope), 'add-on table');
}

if (require.main === module) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-irsa-addon-docs-'));
  try {
    const stack = new Stack(new App({ outdir }), 'Docs');
    fs.writeFileSync(ADDON_PAGE, withAddonTable(fs.readFileSync(ADDON_PAGE, 'utf8'), stack));
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}
