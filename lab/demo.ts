/*
 * The README's main job. Reads what `cdk synth` wrote for the example app (examples/cdk.out, or the directory
 * given as argument), then plays the IRSA exchange offline: the cluster's issuer over HTTPS, STS over HTTP, and
 * pods that are real AWS SDK processes. The right ServiceAccount gets the role; every other token is refused
 * with the error STS gives. Exits 0 only if every case ends as expected; everything stops by itself.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { IrsaLab, TokenSpec } from './irsa-lab';
import { runCli } from '../src/verify/cli';
import { readStacks } from '../src/verify/cloud-assembly';
import { deployedAccountOf } from '../src/verify/deployed-account';

const EXAMPLE_ASSEMBLY = path.join(__dirname, '..', 'examples', 'cdk.out');
const OTHER_CLUSTER_ISSUER = 'https://oidc.eks.eu-west-2.amazonaws.com/id/11111111111111111111111111111111';
const DEADLINE_MS = 120_000;

interface Case {
  readonly name: string;
  readonly token: TokenSpec;
  /** `assumed`, or the STS error code the pod must get. */
  readonly expect: string;
}

/** Runs every case against the app in `assembly`; returns the exit status. */
export async function runDemo(assembly: string, log: (line: string) => void = console.log): Promise<number> {
  const account = deployedAccountOf(readStacks(assembly));
  const serviceAccount = readServiceAccount(assembly);
  const { namespace, name } = serviceAccount.metadata;
  const roleArn: string = serviceAccount.metadata.annotations['eks.amazonaws.com/role-arn'];
  log(`ServiceAccount ${namespace}/${name} is annotated with ${roleArn}`);
  log(`The template trusts ${account.providers.map(p => p.url).join(', ')}\n`);

  const cases: Case[] = [
    { name: 'the right ServiceAccount', token: { namespace, serviceAccount: name }, expect: 'assumed' },
    { name: 'wrong namespace', token: { namespace: 'production', serviceAccount: name }, expect: 'AccessDenied' },
    { name: 'wrong ServiceAccount name', token: { namespace, serviceAccount: 'default' }, expect: 'AccessDenied' },
    { name: 'wrong audience', token: { namespace, serviceAccount: name, audience: 'vault' }, expect: 'InvalidIdentityToken' },
    { name: 'another cluster\'s issuer', token: { namespace, serviceAccount: name, issuerUrl: OTHER_CLUSTER_ISSUER }, expect: 'InvalidIdentityToken' },
    { name: 'expired token', token: { namespace, serviceAccount: name, expired: true }, expect: 'ExpiredTokenException' },
    { name: 'forged signature', token: { namespace, serviceAccount: name, forged: true }, expect: 'InvalidIdentityToken' },
  ];

  const lab = await IrsaLab.start(account, [OTHER_CLUSTER_ISSUER]);
  let failures = 0;
  try {
    const rows: string[][] = [];
    for (const c of cases) {
      const result = await lab.runPod(roleArn, await lab.token(c.token));
      const outcome = result.assumed ? 'assumed' : result.code!;
      const ok = outcome === c.expect;
      if (!ok) failures++;
      rows.push([
        ok ? 'ok' : 'UNEXPECTED',
        c.name,
        `${c.token.namespace}/${c.token.serviceAccount}`,
        result.assumed ? `assumed ${result.arn}` : `${result.code}: ${result.message}`,
      ]);
    }
    printTable(['', 'pod', 'ServiceAccount', 'what the AWS SDK got from STS'], rows, log);
  } finally {
    await lab.close();
  }

  log('\nWhy the wrong namespace is refused, as `cdk-irsa verify` explains it:\n');
  log(`$ cdk-irsa verify --app ${path.relative(process.cwd(), assembly)} --namespace production --service-account ${name}`);
  await runCli(['verify', '--app', assembly, '--namespace', 'production', '--service-account', name], { log, error: log });

  log(failures === 0
    ? `\nAll ${cases.length} pods ended as expected: only ${namespace}/${name} can assume the role.`
    : `\n${failures} of ${cases.length} pods did not end as expected.`);
  return failures === 0 ? 0 : 1;
}

/** The ServiceAccount the pod identity webhook would read: the role ARN comes from its annotation. */
function readServiceAccount(assembly: string): any {
  const files = fs.readdirSync(assembly).filter(f => f.endsWith('.k8s.yaml'));
  const documents = files.flatMap(f => YAML.parseAllDocuments(fs.readFileSync(path.join(assembly, f), 'utf8')).map(d => d.toJSON()));
  const serviceAccount = documents.find(d => d?.kind === 'ServiceAccount');
  if (!serviceAccount) throw new Error(`no ServiceAccount manifest in ${assembly}: run cdk synth in examples/ first`);
  return serviceAccount;
}

function printTable(header: string[], rows: string[][], log: (line: string) => void): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  log(line(header));
  log(line(widths.map(w => '-'.repeat(w))));
  rows.forEach(r => log(line(r)));
}

if (require.main === module) {
  const deadline = setTimeout(() => {
    console.error(`The demo did not finish within ${DEADLINE_MS / 1000} s; stopping.`);
    process.exit(1);
  }, DEADLINE_MS);
  deadline.unref();
  runDemo(process.argv[2] ?? EXAMPLE_ASSEMBLY).then(code => process.exit(code), e => {
    console.error(e);
    process.exit(1);
  });
}
