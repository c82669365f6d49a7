/*
 * The demo's rows across accounts, on what `cdk synth` wrote for examples/cross-account: EKS Pod Identity with target
 * roles (the data account's, pinned by the session tags; the cluster account's, pinned by the ExternalId too), and
 * IRSA with the provider and role in the data account. Pods are real AWS SDK processes; EKS Auth performs both
 * assumptions of a target role.
 */
import * as path from 'path';
import { IrsaLab, PodResult, PodSpec } from './irsa-lab';
import { describeResult, outcomeOf } from './pod-outcome';
import { printTable } from './table';
import { SHOP_CLUSTER_NAME, SHOP_ISSUER_URL } from '../examples/cross-account/app';
import { runCli } from '../src/verify/cli';
import { readStacks } from '../src/verify/cloud-assembly';
import { DeployedAccount, deployedAccountOf, PodIdentityAssociation } from '../src/verify/deployed-account';
import { POD_IDENTITY_AUDIENCE } from '../src/verify/pod-identity-check';

export const CROSS_ACCOUNT_ASSEMBLY = path.join(__dirname, '..', 'examples', 'cross-account', 'cdk.out');
const NAMESPACE = 'shop';

interface Case {
  readonly name: string;
  readonly who: string;
  readonly pod: (lab: IrsaLab) => Promise<PodSpec>;
  /** `assumed <role name> via IRSA` (or `via EKS Pod Identity`), or the error code the pod (or the agent) must get. */
  readonly expect: string;
  /** The account the case runs against, when not the example's (each gets a lab of its own). */
  readonly account?: DeployedAccount;
}

/** Runs the cross-account cases; returns how many did not end as expected, and how many ran. */
export async function runCrossAccountDemo(assembly: string, log: (line: string) => void): Promise<{ failures: number; cases: number }> {
  const deployed = deployedAccountOf(readStacks(assembly));
  const account = withIntruder(deployed);
  const association = (serviceAccount: string) => account.podIdentityAssociations.find(a => a.serviceAccount === serviceAccount)!;
  const roleName = (arn: string) => arn.split('/').pop()!;
  const orders = association('orders');
  const audit = association('audit');
  const reports = account.roles.find(r => r.webIdentity)!;
  log(`\nAcross accounts (examples/cross-account): ${NAMESPACE}/orders gets ${orders.targetRoleArn} after ${orders.roleArn}; ` +
    `${NAMESPACE}/audit gets ${audit.targetRoleArn}; ${NAMESPACE}/reports assumes ${reports.arn} with the data account's provider\n`);

  const podIdentity = (serviceAccount: string) => async (lab: IrsaLab): Promise<PodSpec> => ({
    podIdentity: {
      clusterName: SHOP_CLUSTER_NAME,
      token: await lab.token({ namespace: NAMESPACE, serviceAccount, audience: POD_IDENTITY_AUDIENCE, issuerUrl: SHOP_ISSUER_URL }),
    },
  });
  const irsa = (serviceAccount: string) => async (lab: IrsaLab): Promise<PodSpec> =>
    ({ irsa: { roleArn: reports.arn, token: await lab.token({ namespace: NAMESPACE, serviceAccount, issuerUrl: SHOP_ISSUER_URL }) } });
  const cases: Case[] = [
    {
      name: 'target role: the right ServiceAccount',
      who: `${NAMESPACE}/orders`,
      pod: podIdentity('orders'),
      expect: `assumed ${roleName(orders.targetRoleArn!)} via EKS Pod Identity`,
    },
    { name: 'target role: a neighbour', who: `${NAMESPACE}/default`, pod: podIdentity('default'), expect: 'ResourceNotFoundException' },
    { name: 'target role: another association\'s role', who: `${NAMESPACE}/intruder`, pod: podIdentity('intruder'), expect: 'AccessDeniedException' },
    {
      name: 'target role pinned by ExternalId',
      who: `${NAMESPACE}/audit`,
      pod: podIdentity('audit'),
      expect: `assumed ${roleName(audit.targetRoleArn!)} via EKS Pod Identity`,
    },
    {
      name: 'target role: a forged ExternalId',
      who: `${NAMESPACE}/audit`,
      pod: podIdentity('audit'),
      expect: 'AccessDeniedException',
      account: withExternalId(deployed, 'audit', 'forged-external-id'),
    },
    { name: 'IRSA across accounts', who: `${NAMESPACE}/reports`, pod: irsa('reports'), expect: `assumed ${reports.name} via IRSA` },
    { name: 'IRSA across accounts: another ServiceAccount', who: `${NAMESPACE}/orders`, pod: irsa('orders'), expect: 'AccessDenied' },
  ];

  let failures = 0;
  const rows: string[][] = [];
  for (const c of cases) {
    const lab = await IrsaLab.start(c.account ?? account, { clusters: [{ name: SHOP_CLUSTER_NAME, issuerUrl: SHOP_ISSUER_URL }] });
    try {
      const result = await lab.runPod(await c.pod(lab));
      const ok = outcomeWithRole(result) === c.expect;
      if (!ok) failures++;
      rows.push([ok ? 'ok' : 'UNEXPECTED', c.name, c.who, describeResult(result)]);
    } finally {
      await lab.close();
    }
  }
  printTable(['', 'pod', 'ServiceAccount', 'what the AWS SDK got (for Pod Identity: what the agent answered)'], rows, log);
  const args = ['verify', '--app', assembly, '--pod-identity', '--cluster', SHOP_CLUSTER_NAME, '--namespace', NAMESPACE, '--service-account', 'orders'];
  log(`\n$ cdk-irsa ${args.slice(0, 2).join(' ')} ${path.relative(process.cwd(), assembly)} ${args.slice(3).join(' ')}`);
  await runCli(args, { log, error: log });
  return { failures, cases: cases.length };
}

/** The outcome, with the name of the role assumed: a target role must be the one the pod ends up as. */
function outcomeWithRole(result: PodResult): string {
  const outcome = outcomeOf(result);
  if (!result.assumed) return outcome;
  const role = /:assumed-role\/([^/]+)\//.exec(result.arn ?? '')?.[1];
  return outcome.replace('assumed', `assumed ${role}`);
}

/**
 * The account with an association made outside the templates, as someone with eks:CreatePodIdentityAssociation and
 * iam:PassRole in the cluster's account could make it: `intruder`, whose own role (a copy of `audit`'s, trusting
 * `intruder`) names `orders`' target role, which must refuse it.
 */
function withIntruder(account: DeployedAccount): DeployedAccount {
  const orders = account.podIdentityAssociations.find(a => a.serviceAccount === 'orders')!;
  const audit = account.podIdentityAssociations.find(a => a.serviceAccount === 'audit')!;
  const auditRole = account.roles.find(r => r.arn === audit.roleArn)!;
  const intruderArn = auditRole.arn.replace(/[^/]+$/, 'intruder-pod-identity');
  const trustPolicy = JSON.parse(JSON.stringify(auditRole.trustPolicy).replace(/"audit"/g, '"intruder"'));
  const intruder: PodIdentityAssociation = {
    ...audit, serviceAccount: 'intruder', roleArn: intruderArn, targetRoleArn: orders.targetRoleArn, externalId: 'intruder', source: 'demo',
  };
  return {
    ...account,
    roles: [...account.roles, { ...auditRole, arn: intruderArn, name: 'intruder-pod-identity', source: 'demo', trustPolicy, permissions: undefined }],
    podIdentityAssociations: [...account.podIdentityAssociations, intruder],
  };
}

/** The account with one association's ExternalId changed, as EKS gives a re-created association another one. */
function withExternalId(account: DeployedAccount, serviceAccount: string, externalId: string): DeployedAccount {
  return {
    ...account,
    podIdentityAssociations: account.podIdentityAssociations.map(a => (a.serviceAccount === serviceAccount ? { ...a, externalId, source: 'demo' } : a)),
  };
}
