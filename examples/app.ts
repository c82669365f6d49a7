import { App, Stack, StackProps } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { IrsaCluster, ServiceAccountIdentity } from '../src';

/** The cluster of the example: an EKS cluster in eu-west-2, with its OIDC issuer. */
export const EXAMPLE_ISSUER_URL = 'https://oidc.eks.eu-west-2.amazonaws.com/id/0524940DCDEE3C59B6B1ABEFCE8BB2A2';
export const EXAMPLE_CLUSTER_NAME = 'example';

/**
 * The `testing/can-do-stuff-on-aws` ServiceAccount may read one bucket, through IRSA; a Deployment in the same chart runs
 * as it. `testing/reports` reads the same bucket through EKS Pod Identity, and `testing/migrating` is on its way from
 * IRSA to EKS Pod Identity, with both.
 */
export class IrsaExampleStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps) {
    super(scope, id, props);

    const irsa = new IrsaCluster(this, 'Irsa', { issuerUrl: EXAMPLE_ISSUER_URL, clusterName: EXAMPLE_CLUSTER_NAME });

    // The ServiceAccount takes the chart's namespace, so the Deployment finds it.
    const chart = new cdk8s.Chart(new cdk8s.App(), 'workloads', { namespace: 'testing' });
    const serviceAccount = irsa.addServiceAccount('CanDoStuff', { name: 'can-do-stuff-on-aws', chart });

    // A literal bucket name keeps the chart free of deploy-time values, so it can be written to cdk.out.
    const bucketName = `can-do-stuff-${this.account}-${this.region}`;
    const bucket = new s3.Bucket(this, 'Stuff', { bucketName });
    bucket.grantRead(serviceAccount);

    const reports = irsa.addServiceAccount('Reports', { name: 'reports', chart, identity: ServiceAccountIdentity.POD_IDENTITY });
    bucket.grantRead(reports);
    const migrating = irsa.addServiceAccount('Migrating', { name: 'migrating', chart, identity: ServiceAccountIdentity.IRSA_AND_POD_IDENTITY });
    bucket.grantRead(migrating);

    new kplus.Deployment(chart, 'ListStuff', {
      serviceAccount: serviceAccount.serviceAccount,
      containers: [{
        image: 'public.ecr.aws/aws-cli/aws-cli:2.22.0',
        command: ['sh', '-c', `while true; do aws s3 ls s3://${bucketName}; sleep 60; done`],
        securityContext: { user: 1000 },
      }],
    });
  }
}

export function buildExampleApp(app: App = new App()): App {
  new IrsaExampleStack(app, 'IrsaExample', { env: { account: '123456789012', region: 'eu-west-2' } });
  return app;
}

if (require.main === module) {
  buildExampleApp().synth();
}
