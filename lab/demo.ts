/*
 * The README's main job. Reads what `cdk synth` wrote for the example app (examples/cdk.out, or the directory
 * given as argument), then plays the exchange offline, for IRSA and for EKS Pod Identity: the cluster's issuer over
 * HTTPS, STS over HTTP, the cluster's Pod Identity Agent, and pods that are real AWS SDK processes. The right
 * ServiceAccount gets the role; every other pod is refused with the error STS (or EKS Auth) gives. Exits 0 only if
 * every case ends as expected; everything stops by itself.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { CROSS_ACCOUNT_ASSEMBLY, runCrossAccountDemo } from './cross-account-demo';
import { IrsaLab, PodSpec } from './irsa-lab';
import { describeResult, outcomeOf } from './pod-outcome';
import { runDemoMain } from './run-demo-main';
import { printTable } from './table';
import { EXAMPLE_CLUSTER_NAME, EXAMPLE_ISSUER_URL } from '../examples/app';
import { runCli } from '../src/verify/cli';
import { readStacks } from '../src/verify/cloud-assembly';
import { DeployedAccount, deployedAccountOf } from '../src/verify/deployed-account';
import { POD_IDENTITY_AUDIENCE } from '../src/verify/pod-identity-check';

const EXAMPLE_ASSEMBLY = path.join(__dirname, '..', 'examples', 'cdk.out');
const OTHER_CLUSTER = { name: 'staging', issuerUrl: 'https://oidc.eks.eu-west-2.amazonaws.com/id/11111111111111111111111111111111' };
const DEADLINE_MS = 180_000;

interface Case {
  readonly name: string;
  /** The ServiceAccount the pod runs as, `<namespace>/<name>`, and in which cluster when not the example's. */
  readonly who: string;
  readonly pod: (lab: IrsaLab) => Promise<PodSpec>;
  /** `assumed via IRSA`, `assumed via EKS Pod Identity`, or the error code the pod (or the agent) must get. */
  readonly expect: string;
}

/** Runs every case against the app in `assembly`; returns the exit status. */
export async function runDemo(assembly: string, log: (line: string) => void = console.log,
  crossAccountAssembly: string = CROSS_ACCOUNT_ASSEMBLY): Promise<number> {
  const serviceAccounts = readServiceAccounts(assembly);
  const irsaAccount = serviceAccounts.find(sa => sa.metadata.name === 'can-do-stuff-on-aws')!;
  const { namespace, name } = irsaAccount.metadata;
  const roleArn: string = irsaAccount.metadata.annotations['eks.amazonaws.com/role-arn'];
  const migratingArn: string = serviceAccounts.find(sa => sa.metadata.name === 'migrating')!.metadata.annotations['eks.amazonaws.com/role-arn'];
  const account = withRoleWithoutTagSession(deployedAccountOf(readStacks(assembly)));
  log(`ServiceAccount ${namespace}/${name} is annotated with ${roleArn}`);
  log(`The template trusts ${account.providers.map(p => p.url).join(', ')}, and associates ` +
    `${account.podIdentityAssociations.map(a => `${a.namespace}/${a.serviceAccount}`).join(', ')} in cluster ${EXAMPLE_CLUSTER_NAME}\n`);

  const irsa = (spec: Parameters<IrsaLab['token']>[0], arn = roleArn) => async (lab: IrsaLab): Promise<PodSpec> =>
    ({ irsa: { roleArn: arn, token: await lab.token(spec) } });
  const podIdentity = (serviceAccount: string, cluster = { name: EXAMPLE_CLUSTER_NAME, issuerUrl: EXAMPLE_ISSUER_URL }) =>
    async (lab: IrsaLab): Promise<PodSpec> => ({
      podIdentity: {
        clusterName: cluster.name,
        token: await lab.token({ namespace, serviceAccount, audience: POD_IDENTITY_AUDIENCE, issuerUrl: cluster.issuerUrl }),
      },
    });
  const cases: Case[] = [
    { name: 'IRSA: the right ServiceAccount', who: `${namespace}/${name}`, pod: irsa({ namespace, serviceAccount: name }), expect: 'assumed via IRSA' },
    { name: 'IRSA: wrong namespace', who: `production/${name}`, pod: irsa({ namespace: 'production', serviceAccount: name }), expect: 'AccessDenied' },
    { name: 'IRSA: wrong ServiceAccount name', who: `${namespace}/default`, pod: irsa({ namespace, serviceAccount: 'default' }), expect: 'AccessDenied' },
    { name: 'IRSA: wrong audience', who: `${namespace}/${name}`, pod: irsa({ namespace, serviceAccount: name, audience: 'vault' }), expect: 'InvalidIdentityToken' },
    {
      name: 'IRSA: another cluster\'s issuer',
      who: `${namespace}/${name}`,
      pod: irsa({ namespace, serviceAccount: name, issuerUrl: OTHER_CLUSTER.issuerUrl }),
      expect: 'InvalidIdentityToken',
    },
    { name: 'IRSA: expired token', who: `${namespace}/${name}`, pod: irsa({ namespace, serviceAccount: name, expired: true }), expect: 'ExpiredTokenException' },
    { name: 'IRSA: forged signature', who: `${namespace}/${name}`, pod: irsa({ namespace, serviceAccount: name, forged: true }), expect: 'InvalidIdentityToken' },
    { name: 'Pod Identity: the right ServiceAccount', who: `${namespace}/reports`, pod: podIdentity('reports'), expect: 'assumed via EKS Pod Identity' },
    { name: 'Pod Identity: another ServiceAccount', who: `${namespace}/default`, pod: podIdentity('default'), expect: 'ResourceNotFoundException' },
    {
      name: 'Pod Identity: another cluster',
      who: `${namespace}/reports in ${OTHER_CLUSTER.name}`,
      pod: podIdentity('reports', OTHER_CLUSTER),
      expect: 'ResourceNotFoundException',
    },
    { name: 'Pod Identity: a role without sts:TagSession', who: `${namespace}/legacy`, pod: podIdentity('legacy'), expect: 'AccessDeniedException' },
    {
      name: 'migrating: IRSA and Pod Identity env',
      who: `${namespace}/migrating`,
      pod: async lab => ({
        ...await irsa({ namespace, serviceAccount: 'migrating' }, migratingArn)(lab), ...await podIdentity('migrating')(lab),
      }),
      expect: 'assumed via IRSA',
    },
    { name: 'migrating: Pod Identity env only', who: `${namespace}/migrating`, pod: podIdentity('migrating'), expect: 'assumed via EKS Pod Identity' },
  ];

  const lab = await IrsaLab.start(account, {
    otherIssuerUrls: [OTHER_CLUSTER.issuerUrl],
    clusters: [{ name: EXAMPLE_CLUSTER_NAME, issuerUrl: EXAMPLE_ISSUER_URL }, OTHER_CLUSTER],
  });
  let failures = 0;
  try {
    const rows: string[][] = [];
    for (const c of cases) {
      const result = await lab.runPod(await c.pod(lab));
      const outcome = outcomeOf(result);
      const ok = outcome === c.expect;
      if (!ok) failures++;
      rows.push([ok ? 'ok' : 'UNEXPECTED', c.name, c.who, describeResult(result)]);
    }
    printTable(['', 'pod', 'ServiceAccount', 'what the AWS SDK got (for Pod Identity: what the agent answered)'], rows, log);
  } finally {
    await lab.close();
  }

  log('\nWhy the wrong namespace is refused, as `cdk-irsa verify` explains it:\n');
  log(`$ cdk-irsa verify --app ${path.relative(process.cwd(), assembly)} --namespace production --service-account ${name} --role ${roleArn}`);
  await runCli(['verify', '--app', assembly, '--namespace', 'production', '--service-account', name, '--role', roleArn], { log, error: log });
  log(`\n$ cdk-irsa verify --app ${path.relative(process.cwd(), assembly)} --pod-identity --cluster ${EXAMPLE_CLUSTER_NAME} --namespace ${namespace} --service-account reports`);
  await runCli(['verify', '--app', assembly, '--pod-identity', '--cluster', EXAMPLE_CLUSTER_NAME, '--namespace', namespace, '--service-account', 'reports'],
    { log, error: log });

  const crossAccount = await runCrossAccountDemo(crossAccountAssembly, log);
  failures += crossAccount.failures;
  const total = cases.length + crossAccount.cases;
  log(failures === 0
    ? `\nAll ${total} pods ended as expected: only the ServiceAccounts named in each trust get their role.`
    : `\n${failures} of ${total} pods did not end as expected.`);
  return failures === 0 ? 0 : 1;
}

/**
 * The account with one more association, `legacy` in the namespace of `reports`, to a copy of the Pod Identity role whose trust allows
 * `sts:AssumeRole` but not `sts:TagSession`, as a hand-written trust might: what EKS then answers.
 */
function withRoleWithoutTagSession(account: DeployedAccount): DeployedAccount {
  const reports = account.podIdentityAssociations.find(a => a.serviceAccount === 'reports')!;
  const role = account.roles.find(r => r.arn === reports.roleArn)!;
  const legacyArn = role.arn.replace(/[^/]+$/, 'legacy-without-tag-session');
  const trustPolicy = { ...role.trustPolicy, Statement: role.trustPolicy.Statement.map((s: any) => ({ ...s, Action: 'sts:AssumeRole' })) };
  return {
    ...account,
    roles: [...account.roles, { ...role, arn: legacyArn, name: 'legacy-without-tag-session', source: 'demo', trustPolicy }],
    podIdentityAssociations: [...account.podIdentityAssociations, { ...reports, serviceAccount: 'legacy', roleArn: legacyArn, source: 'demo' }],
  };
}

/** The ServiceAccounts the example wrote: the role ARN of IRSA comes from their annotation. */
function readServiceAccounts(assembly: string): any[] {
  const files = fs.readdirSync(assembly).filter(f => f.endsWith('.k8s.yaml'));
  const documents = files.flatMap(f => YAML.parseAllDocuments(fs.readFileSync(path.join(assembly, f), 'utf8')).map(d => d.toJSON()));
  const serviceAccounts = documents.filter(d => d?.kind === 'ServiceAccount');
  if (serviceAccounts.length === 0) throw new Error(`no ServiceAccount manifest in ${assembly}: run cdk synth in examples/ first`);
  return serviceAccounts;
}

if (require.main === module) {
  runDemoMain(() => runDemo(process.argv[2] ?? EXAMPLE_ASSEMBLY), DEADLINE_MS);
}
