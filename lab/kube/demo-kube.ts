/*
 * `npm run demo:kube`: the proofs of `npm run demo` with Kubernetes' own code on the Kubernetes side. A real
 * kube-apiserver (k8s.io/kubernetes, with etcd and kube-controller-manager) judges every manifest cdk-irsa writes and
 * signs the ServiceAccount tokens through the TokenRequest API; the real pod identity webhook mutates the Pods; the
 * lab's STS decides with the discovery document and keys it fetches from that API server, and the pods are real AWS
 * SDK processes. EKS Pod Identity stays on the lab's EKS Auth emulation (EKS's side is not open source): see
 * `npm run demo`. Exits 0 only if every row ends as expected.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import * as YAML from 'yaml';
import { createPodThroughAdmissionV1 } from './admission-review-version';
import { apiServerKeys } from './api-server-keys';
import { buildFixtureApp } from './fixture-app';
import { kubernetesVersion } from './go-build';
import { KubeLab } from './kube-lab';
import { legacySecretToken } from './legacy-token';
import { applyAndReadBack, describeObject, refusalNames } from './manifest-check';
import { annotationAfterPods, deploymentBeforeServiceAccount, oneApplyServiceAccountsFirst, serviceAccountThenPod } from './ordering-check';
import { createPod, injectedIdentity, kubeletToken, podFromTemplate } from './pod-identity';
import { EXAMPLE_ISSUER_URL } from '../../examples/app';
import { runCli } from '../../src/verify/cli';
import { readStacks } from '../../src/verify/cloud-assembly';
import { deployedAccountOf } from '../../src/verify/deployed-account';
import { IrsaLab } from '../irsa-lab';
import { describeResult, outcomeOf } from '../pod-outcome';
import { runDemoMain } from '../run-demo-main';
import { printTable } from '../table';

const EXAMPLE_ASSEMBLY = path.join(__dirname, '..', '..', 'examples', 'cdk.out');
const DEADLINE_MS = 600_000;
/** Tries of each ordering experiment. */
export const RACE_TRIES = 100;
/** The webhook's `--service-account-lookup-grace-period` in the last ordering experiment. */
export const WEBHOOK_GRACE_MS = 100;

/** One row: what was done, to whom, what Kubernetes (and STS) answered, and whether that is what must happen. */
export interface KubeDemoRow {
  readonly ok: boolean | 'measured';
  readonly proof: string;
  readonly subject: string;
  readonly outcome: string;
}

/** Runs every proof against the example app in `exampleAssembly`; returns the rows, printing them with `log`. */
export async function runKubeDemo(exampleAssembly: string, log: (line: string) => void = console.log): Promise<KubeDemoRow[]> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-irsa-demo-kube-'));
  const rows: KubeDemoRow[] = [];
  const row = (ok: KubeDemoRow['ok'], proof: string, subject: string, outcome: string) => rows.push({ ok, proof, subject, outcome });
  let lab: KubeLab | undefined;
  const irsaLabs: IrsaLab[] = [];
  try {
    const fixtureAssembly = buildFixtureApp(new App({ outdir: path.join(work, 'fixture.out') })).synth().directory;
    lab = await KubeLab.start({ issuerUrl: EXAMPLE_ISSUER_URL });
    log(`Kubernetes ${kubernetesVersion()} on ${lab.server}: etcd, kube-apiserver and kube-controller-manager in one process, ` +
      `the pod identity webhook beside it; tokens are signed by the API server for issuer ${lab.issuer}.\n`);
    const keys = apiServerKeys(lab.server, lab.ca);
    const exampleLab = await IrsaLab.start(deployedAccountOf(readStacks(exampleAssembly)), { keys });
    const fixtureLab = await IrsaLab.start(deployedAccountOf(readStacks(fixtureAssembly)), { keys });
    irsaLabs.push(exampleLab, fixtureLab);

    // Every manifest cdk-irsa wrote, applied server-side and read back.
    const manifests = [exampleAssembly, fixtureAssembly].flatMap(dir => fs.readdirSync(dir).filter(f => f.endsWith('.k8s.yaml')).map(f => path.join(dir, f)));
    for (const file of manifests) {
      const result = await applyAndReadBack(lab, file);
      const differences = result.objects.filter(o => o.difference);
      const ok = result.accepted && differences.length === 0;
      row(ok, 'apply server-side, read back', path.basename(file), result.accepted
        ? differences.map(d => `${d.object} ${d.difference}`).join('; ') || `${result.objects.length} objects stored as written: ${result.objects.map(o => o.object).join(', ')}`
        : result.output);
    }
    const example = readManifests(exampleAssembly);
    const irsaAccount = example.find(m => m.kind === 'ServiceAccount' && m.metadata.name === 'can-do-stuff-on-aws');
    const roleArn: string = irsaAccount.metadata.annotations['eks.amazonaws.com/role-arn'];
    for (const broken of brokenCopies(irsaAccount)) {
      const file = path.join(work, `${broken.name}.yaml`);
      fs.writeFileSync(file, YAML.stringify(broken.object));
      const result = await applyAndReadBack(lab, file);
      row(!result.accepted && refusalNames(result.output, broken.object),
        `a broken manifest: ${broken.name}`, describeObject(broken.object), firstLine(result.output));
    }

    // Real tokens from the TokenRequest API; STS fetches the API server's discovery document and keys.
    const token = (namespace: string, serviceAccount: string, audience = 'sts.amazonaws.com') =>
      lab!.requestToken(namespace, serviceAccount, { audiences: [audience], expirationSeconds: 3600 });
    await lab.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'production' } });
    await lab.create('/api/v1/namespaces/production/serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'can-do-stuff-on-aws' } });
    await lab.waitFor('/api/v1/namespaces/testing/serviceaccounts/default', sa => sa, 'testing/default, made by the serviceaccount controller');
    const tokenCases: Array<[string, string, () => Promise<string>, string]> = [
      ['TokenRequest: the right ServiceAccount', 'testing/can-do-stuff-on-aws', () => token('testing', 'can-do-stuff-on-aws'), 'assumed via IRSA'],
      ['TokenRequest: a neighbour in its namespace', 'testing/default', () => token('testing', 'default'), 'AccessDenied'],
      ['TokenRequest: the same name elsewhere', 'production/can-do-stuff-on-aws', () => token('production', 'can-do-stuff-on-aws'), 'AccessDenied'],
      ['TokenRequest: a wrong audience', 'testing/can-do-stuff-on-aws', () => token('testing', 'can-do-stuff-on-aws', 'vault'), 'InvalidIdentityToken'],
      ['the old Secret token', 'testing/can-do-stuff-on-aws', () => legacySecretToken(lab!, 'testing', 'can-do-stuff-on-aws'), 'InvalidIdentityToken'],
    ];
    let legacyToken = '';
    for (const [proof, subject, get, expected] of tokenCases) {
      const webIdentityToken = await get();
      if (proof === 'the old Secret token') legacyToken = webIdentityToken;
      const result = await exampleLab.runPod({ irsa: { roleArn, token: webIdentityToken } });
      row(outcomeOf(result) === expected, proof, subject, describeResult(result));
    }

    // The real webhook: Pods as the workloads' controllers make them, then the token kubelet would mount.
    const template = example.find(m => m.kind === 'Deployment');
    const fixtureJob = readManifests(fixtureAssembly).find(m => m.kind === 'Job');
    const podCases: Array<[string, any, IrsaLab | undefined]> = [
      ['testing/can-do-stuff-on-aws', withServiceAccount(podFromTemplate(template, 'list-stuff'), 'can-do-stuff-on-aws'), exampleLab],
      ['testing/migrating', withServiceAccount(podFromTemplate(template, 'migrating'), 'migrating'), exampleLab],
      ['batch/tuned', withServiceAccount({ ...podFromTemplate(fixtureJob, 'tuned'), metadata: { name: 'tuned', namespace: 'batch' } }, 'tuned'), fixtureLab],
      ['testing/reports', withServiceAccount(podFromTemplate(template, 'reports'), 'reports'), undefined],
      ['testing/default', withServiceAccount(podFromTemplate(template, 'default'), 'default'), undefined],
    ];
    for (const [subject, pod, irsa] of podCases) {
      const stored = await createPod(lab, pod);
      const injected = injectedIdentity(stored);
      if (!irsa) {
        row(Object.keys(injected).length === 0, 'webhook: a Pod of a ServiceAccount without the annotation', subject, Object.keys(injected).length === 0
          ? 'left alone: no AWS_ROLE_ARN, no token volume' + (subject.endsWith('reports') ? ' (EKS Pod Identity: emulated, see npm run demo)' : '')
          : `mutated: ${JSON.stringify(injected)}`);
        continue;
      }
      const result = await irsa.runPod({ irsa: { roleArn: injected.roleArn!, token: await kubeletToken(lab, stored) } });
      row(injected.tokenFile === `${injected.mountPath}/${injected.token?.path}` && outcomeOf(result) === 'assumed via IRSA',
        'webhook: the Pod, then kubelet\'s token', subject,
        `AWS_ROLE_ARN ${injected.roleArn!.split('/').pop()}, token ${injected.token!.audience} for ${injected.token!.expirationSeconds} s at ` +
        `${injected.tokenFile}${injected.stsRegionalEndpoints ? `, AWS_STS_REGIONAL_ENDPOINTS=${injected.stsRegionalEndpoints}` : ''}; ${describeResult(result)}`);
    }
    const v1 = await createPodThroughAdmissionV1(lab, 'testing', 'can-do-stuff-on-aws');
    row(v1.includes('expected webhook response of admission.k8s.io/v1'), 'webhook registered for admission v1 only', 'testing/can-do-stuff-on-aws', v1);

    // ServiceAccounts first: what Kubernetes does with each order.
    const direct = await serviceAccountThenPod(lab, 'race-direct', RACE_TRIES);
    row('measured', `ServiceAccount, then a Pod in the next request (x${RACE_TRIES})`, 'race-direct/*', `${direct.unmutated} of ${direct.tries} Pods left without the role`);
    const deployments = await oneApplyServiceAccountsFirst(lab, work, 'race-deployment', RACE_TRIES, 'Deployment');
    row(deployments.unmutated === 0, `one apply: ServiceAccount, then a Deployment (x${RACE_TRIES})`, 'race-deployment/*', `${deployments.unmutated} of ${deployments.tries} Pods left without the role`);
    const pods = await oneApplyServiceAccountsFirst(lab, work, 'race-pod', RACE_TRIES, 'Pod');
    row('measured', `one apply: ServiceAccount, then a bare Pod (x${RACE_TRIES})`, 'race-pod/*', `${pods.unmutated} of ${pods.tries} Pods left without the role`);
    const reversed = await deploymentBeforeServiceAccount(lab, work, 'reversed');
    row(reversed.podsBeforeServiceAccount === 0 && reversed.mutatedAfterwards, 'by hand: the Deployment before its ServiceAccount', 'reversed/app',
      `no Pod until the ServiceAccount exists (${reversed.refusal}); then its Pod has the role`);
    const late = await annotationAfterPods(lab, work, 'late-annotation');
    row(!late.mutatedBefore && !late.mutatedAfterAnnotation, 'the annotation after the Pod started', 'late-annotation/app',
      'the running Pod never gets the role: the webhook acts on Pod creation only');

    // The bare-Pod race again, on a webhook that waits for a ServiceAccount its cache lacks (a fresh control plane).
    await lab.close();
    lab = undefined;
    lab = await KubeLab.start({ issuerUrl: EXAMPLE_ISSUER_URL, webhookLookupGraceMs: WEBHOOK_GRACE_MS });
    const graced = await oneApplyServiceAccountsFirst(lab, work, 'race-pod-grace', RACE_TRIES, 'Pod');
    row('measured', `the same, webhook lookup grace ${WEBHOOK_GRACE_MS} ms (x${RACE_TRIES})`, 'race-pod-grace/*',
      `${graced.unmutated} of ${graced.tries} Pods left without the role`);

    printTable(['', 'proof', 'subject', 'what Kubernetes and STS answered'],
      rows.map(r => [r.ok === 'measured' ? 'measured' : r.ok ? 'ok' : 'UNEXPECTED', r.proof, r.subject, r.outcome]), log);

    const legacyFile = path.join(work, 'legacy-token');
    fs.writeFileSync(legacyFile, legacyToken);
    log('\nWhy the old Secret token is refused, as `cdk-irsa verify` explains it:\n');
    log(`$ cdk-irsa verify --app ${path.relative(process.cwd(), exampleAssembly)} --role ${roleArn.split('/').pop()} --token <the Secret's token>`);
    await runCli(['verify', '--app', exampleAssembly, '--role', roleArn, '--token', legacyFile], { log, error: log });
  } finally {
    await Promise.all(irsaLabs.map(l => l.close()));
    await lab?.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
  const failures = rows.filter(r => r.ok === false).length;
  log(failures === 0
    ? `\nAll ${rows.filter(r => r.ok === true).length} proofs ended as expected on Kubernetes ${kubernetesVersion()}.`
    : `\n${failures} of ${rows.length} proofs did not end as expected.`);
  return rows;
}

/** The same ServiceAccount with a name, an annotation key and a field the API server must each refuse. */
function brokenCopies(serviceAccount: any): Array<{ name: string; object: any }> {
  return [
    { name: 'an upper-case name', object: { ...serviceAccount, metadata: { ...serviceAccount.metadata, name: 'Can-Do-Stuff-On-AWS' } } },
    {
      name: 'a bad annotation key',
      object: { ...serviceAccount, metadata: { ...serviceAccount.metadata, name: 'bad-annotation', annotations: { 'eks.amazonaws.com/role arn': 'x' } } },
    },
    {
      name: 'a field the schema lacks',
      object: { ...serviceAccount, metadata: { ...serviceAccount.metadata, name: 'unknown-field' }, automountServiceAccountTokens: false },
    },
  ];
}

function withServiceAccount(pod: any, serviceAccountName: string): any {
  return { ...pod, spec: { ...pod.spec, serviceAccountName } };
}

function readManifests(assembly: string): any[] {
  return fs.readdirSync(assembly).filter(f => f.endsWith('.k8s.yaml'))
    .flatMap(f => YAML.parseAllDocuments(fs.readFileSync(path.join(assembly, f), 'utf8')).map(d => d.toJSON()));
}

function firstLine(text: string): string {
  return text.split('\n')[0];
}

if (require.main === module) {
  runDemoMain(async () => ((await runKubeDemo(process.argv[2] ?? EXAMPLE_ASSEMBLY)).some(r => r.ok === false) ? 1 : 0), DEADLINE_MS);
}
