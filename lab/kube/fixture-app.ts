import { App, Duration, Stack } from 'aws-cdk-lib';
import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { EXAMPLE_ISSUER_URL } from '../../examples/app';
import { IrsaCluster, ServiceAccountIdentity } from '../../src';

/** The audience the `batch/tuned` ServiceAccount's tokens carry instead of sts.amazonaws.com. */
export const TUNED_AUDIENCE = 'sts.example.internal';

/**
 * Every shape of manifest cdk-irsa writes, for the real API server to judge beside the example app's: the cluster's
 * default chart with ServiceAccounts in two namespaces (one with the audience, token-expiration and regional-STS
 * annotations, labels and an annotation of the user's; one for EKS Pod Identity, with none), and a chart of the user's
 * whose ServiceAccount runs a Deployment, a StatefulSet, a DaemonSet, a Job, a CronJob and a bare Pod. Same issuer as
 * the example app, so one control plane signs tokens for both.
 */
export function buildFixtureApp(app: App): App {
  const stack = new Stack(app, 'KubeFixture', { env: { account: '123456789012', region: 'eu-west-2' } });
  const irsa = new IrsaCluster(stack, 'Irsa', {
    issuerUrl: EXAMPLE_ISSUER_URL,
    clusterName: 'example',
    clientIds: ['sts.amazonaws.com', TUNED_AUDIENCE],
  });
  irsa.addServiceAccount('Tuned', {
    name: 'tuned',
    namespace: 'batch',
    audience: TUNED_AUDIENCE,
    tokenExpiration: Duration.hours(1),
    stsRegionalEndpoints: true,
    labels: { 'app.kubernetes.io/part-of': 'reports' },
    annotations: { 'example.com/owner': 'team-a' },
  });
  irsa.addServiceAccount('Plain', { name: 'plain', namespace: 'batch' });
  irsa.addServiceAccount('Agent', { name: 'agent', namespace: 'kube-system', identity: ServiceAccountIdentity.POD_IDENTITY });

  const chart = new cdk8s.Chart(new cdk8s.App(), 'workloads', { namespace: 'apps' });
  const web = irsa.addServiceAccount('Web', { name: 'web', chart }).serviceAccount;
  // A port, so that the StatefulSet gets its headless Service.
  const containers = [{
    image: 'public.ecr.aws/aws-cli/aws-cli:2.22.0',
    command: ['aws', 'sts', 'get-caller-identity'],
    securityContext: { user: 1000 },
    ports: [{ number: 8080 }],
  }];
  new kplus.Deployment(chart, 'Deployment', { serviceAccount: web, containers });
  new kplus.StatefulSet(chart, 'StatefulSet', { serviceAccount: web, containers });
  new kplus.DaemonSet(chart, 'DaemonSet', { serviceAccount: web, containers });
  new kplus.Job(chart, 'Job', { serviceAccount: web, containers });
  new kplus.CronJob(chart, 'CronJob', { serviceAccount: web, containers, schedule: cdk8s.Cron.daily() });
  new kplus.Pod(chart, 'Pod', { serviceAccount: web, containers });
  return app;
}
