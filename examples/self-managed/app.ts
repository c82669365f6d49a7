import * as fs from 'fs';
import * as path from 'path';
import { App, Stack, StackProps } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import { Construct } from 'constructs';
import { IrsaCluster, PodIdentityWebhook, ServiceAccountIssuer, WebhookCertificate } from '../../src';

/** The issuer's host: the API server's --service-account-issuer is https://<this>. */
export const SELF_MANAGED_DOMAIN = 'oidc.cluster-a.example.com';
/** A certificate for it, in ACM in the stack's region. */
const CERTIFICATE_ARN = 'arn:aws:acm:eu-west-2:123456789012:certificate/5e2f8a64-2c3f-4a8e-9a40-0c1d2e3f4a5b';

/**
 * A cluster run with kubeadm: its ServiceAccount issuer published at a domain of its own (from the public key in
 * sa.pub beside this file: `openssl pkey -in /etc/kubernetes/pki/sa.key -pubout > sa.pub`), the IAM OIDC provider
 * that trusts it, two ServiceAccounts with roles, and the pod identity webhook that gives their Pods the roles
 * (EKS runs it in its control plane; here it runs in the cluster, with a certificate from cert-manager).
 */
export class SelfManagedClusterStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps & { publicKey: string }) {
    super(scope, id, props);
    const issuer = new ServiceAccountIssuer(this, 'Issuer', {
      publicKeys: [props.publicKey],
      domain: {
        domainName: SELF_MANAGED_DOMAIN,
        certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', CERTIFICATE_ARN),
      },
      // kubeadm's default issuer, so that the pods' current tokens keep working with the API server during the move.
      formerIssuerUrls: ['https://kubernetes.default.svc.cluster.local'],
    });
    const irsa = new IrsaCluster(this, 'Irsa', { issuer });
    irsa.addServiceAccount('Orders', { namespace: 'shop', name: 'orders' });
    irsa.addServiceAccount('Reports', { namespace: 'shop', name: 'reports' });
    new PodIdentityWebhook(this, 'PodIdentityWebhook', {
      cluster: irsa,
      certificate: WebhookCertificate.certManager(),
      awsDefaultRegion: this.region,
    });
  }
}

/** The app `npx cdk synth` runs here. */
export function buildSelfManagedApp(app: App = new App(), publicKey = fs.readFileSync(path.join(__dirname, 'sa.pub'), 'utf8')): App {
  new SelfManagedClusterStack(app, 'SelfManagedCluster', { env: { account: '123456789012', region: 'eu-west-2' }, publicKey });
  return app;
}

if (require.main === module) buildSelfManagedApp().synth();
