import { buildExampleApp } from '../../examples/app';
import { KubeDemoRow, RACE_TRIES, runKubeDemo, WEBHOOK_GRACE_MS } from '../../lab/kube/demo-kube';
import { testApp } from '../support/app';

describe('npm run demo:kube', () => {
  let rows: KubeDemoRow[];
  let output: string;
  beforeAll(async () => {
    const lines: string[] = [];
    rows = await runKubeDemo(buildExampleApp(testApp()).synth().directory, line => lines.push(line));
    output = lines.join('\n');
  });
  const rowsOf = (proof: string) => rows.filter(r => r.proof === proof);
  const rowOf = (proof: string, subject: string) => {
    const found = rows.filter(r => r.proof === proof && r.subject === subject);
    expect(found).toHaveLength(1);
    return found[0];
  };

  test('every row ends as it must', () => {
    expect(rows.filter(r => r.ok === false)).toEqual([]);
    expect(output).toContain(`All ${rows.filter(r => r.ok === true).length} proofs ended as expected on Kubernetes v1.37.2.`);
  });

  test('the API server stores every manifest of the example app and the fixtures as written', () => {
    expect(rowsOf('apply server-side, read back').map(r => [r.subject, r.ok])).toEqual([
      ['IrsaExample.workloads.k8s.yaml', true],
      ['KubeFixture.Irsa.k8s.yaml', true],
      ['KubeFixture.workloads.k8s.yaml', true],
    ]);
    expect(rowOf('apply server-side, read back', 'KubeFixture.workloads.k8s.yaml').outcome).toMatch(
      /^\d+ objects stored as written: .*Deployment apps\/.*StatefulSet apps\/.*DaemonSet apps\/.*Job apps\/.*CronJob apps\/.*Pod apps\//);
  });

  test('the API server refuses a broken manifest, naming the object', () => {
    expect(rowOf('a broken manifest: an upper-case name', 'ServiceAccount testing/Can-Do-Stuff-On-AWS').outcome)
      .toContain('The ServiceAccount "Can-Do-Stuff-On-AWS" is invalid: metadata.name: Invalid value');
    expect(rowOf('a broken manifest: a bad annotation key', 'ServiceAccount testing/bad-annotation').outcome)
      .toContain('The ServiceAccount "bad-annotation" is invalid: metadata.annotations: Invalid value: "eks.amazonaws.com/role arn"');
    expect(rowOf('a broken manifest: a field the schema lacks', 'ServiceAccount testing/unknown-field').outcome)
      .toContain('.automountServiceAccountTokens: field not declared in schema');
  });

  test('STS lets in the right ServiceAccount\'s TokenRequest token and refuses the others with its own error codes', () => {
    expect(rowOf('TokenRequest: the right ServiceAccount', 'testing/can-do-stuff-on-aws').outcome)
      .toMatch(/^assumed arn:aws:sts::123456789012:assumed-role\/IrsaExample-Irsa-CanDoStuff-[0-9A-F]{8}\//);
    expect(rowOf('TokenRequest: a neighbour in its namespace', 'testing/default').outcome).toBe('AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity');
    expect(rowOf('TokenRequest: the same name elsewhere', 'production/can-do-stuff-on-aws').outcome).toBe('AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity');
    expect(rowOf('TokenRequest: a wrong audience', 'testing/can-do-stuff-on-aws').outcome).toBe('InvalidIdentityToken: Incorrect token audience');
  });

  test('the old Secret token is refused, and verify says why the projected token is the one IRSA uses', () => {
    expect(rowOf('the old Secret token', 'testing/can-do-stuff-on-aws').outcome)
      .toBe('InvalidIdentityToken: No OpenIDConnect provider found in your account for kubernetes/serviceaccount');
    expect(output).toContain('Token: iss kubernetes/serviceaccount, sub system:serviceaccount:testing:can-do-stuff-on-aws, aud  ');
    expect(output).toContain('this is a legacy ServiceAccount token from a kubernetes.io/service-account-token Secret');
  });

  test('the real webhook gives annotated ServiceAccounts\' Pods the role and the token the annotations ask for, and leaves others alone', () => {
    const webhookRow = (subject: string) => rowOf('webhook: the Pod, then kubelet\'s token', subject).outcome;
    expect(webhookRow('testing/can-do-stuff-on-aws')).toMatch(
      /^AWS_ROLE_ARN IrsaExample-Irsa-CanDoStuff-[0-9A-F]{8}, token sts\.amazonaws\.com for 86400 s at \/var\/run\/secrets\/eks\.amazonaws\.com\/serviceaccount\/token; assumed arn:aws:sts::/);
    expect(webhookRow('testing/migrating')).toMatch(/; assumed arn:aws:sts::123456789012:assumed-role\/IrsaExample-Irsa-Migrating-/);
    expect(webhookRow('batch/tuned')).toMatch(/token sts\.example\.internal for 3600 s at .*, AWS_STS_REGIONAL_ENDPOINTS=regional; assumed arn:aws:sts::123456789012:assumed-role\/KubeFixture-Irsa-Tuned-/);
    for (const subject of ['testing/reports', 'testing/default']) {
      expect(rowOf('webhook: a Pod of a ServiceAccount without the annotation', subject).outcome).toMatch(/^left alone: no AWS_ROLE_ARN, no token volume/);
    }
    expect(rowOf('webhook registered for admission v1 only', 'testing/can-do-stuff-on-aws').outcome)
      .toContain('received invalid webhook response: expected webhook response of admission.k8s.io/v1');
  });

  test('ServiceAccounts first: controllers\' Pods always get the role; Kubernetes holds a workload back until its ServiceAccount exists', () => {
    expect(rowOf(`one apply: ServiceAccount, then a Deployment (x${RACE_TRIES})`, 'race-deployment/*').outcome).toBe(`0 of ${RACE_TRIES} Pods left without the role`);
    expect(rows.filter(r => r.ok === 'measured').map(r => r.subject)).toEqual(['race-direct/*', 'race-pod/*', 'race-pod-grace/*']);
    expect(rowOf(`the same, webhook lookup grace ${WEBHOOK_GRACE_MS} ms (x${RACE_TRIES})`, 'race-pod-grace/*').ok).toBe('measured');
    for (const measured of rows.filter(r => r.ok === 'measured')) expect(measured.outcome).toMatch(new RegExp(`^\\d+ of ${RACE_TRIES} Pods left without the role$`));
    expect(rowOf('by hand: the Deployment before its ServiceAccount', 'reversed/app').outcome)
      .toContain('error looking up service account reversed/app: serviceaccount "app" not found');
    expect(rowOf('the annotation after the Pod started', 'late-annotation/app').ok).toBe(true);
  });
});
