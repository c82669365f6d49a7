import { App, Aspects, Stack, StackProps } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { IrsaChecks, IrsaCluster, PodIdentityTargetRole, ServiceAccountIdentity } from '../../src';

/** The cluster's account, and the account of the data its workloads read. */
export const CLUSTER_ACCOUNT = '111111111111';
export const DATA_ACCOUNT = '222222222222';
export const REGION = 'eu-west-1';
/** The EKS cluster, which exists already, and the issuer of its ServiceAccount tokens (`aws eks describe-cluster`). */
export const SHOP_CLUSTER_NAME = 'shop';
export const SHOP_ISSUER_URL = 'https://oidc.eks.eu-west-1.amazonaws.com/id/5C0FFEE5C0FFEE5C0FFEE5C0FFEE5C0F';

/**
 * The data account: the orders bucket, the role EKS Pod Identity assumes second for `shop/orders` (a target role that
 * trusts exactly the cluster account's role of that ServiceAccount), and for IRSA an OIDC provider of the cluster's
 * issuer with the role of `shop/reports`, which the ServiceAccount's annotation names across accounts.
 */
export class ShopDataStack extends Stack {
  public readonly ordersReader: PodIdentityTargetRole;

  constructor(scope: Construct, id: string, props: StackProps) {
    super(scope, id, props);
    const bucket = new s3.Bucket(this, 'Orders', { bucketName: `shop-orders-${this.account}-${this.region}` });
    this.ordersReader = new PodIdentityTargetRole(this, 'OrdersReader');
    bucket.grantRead(this.ordersReader);

    const shopIssuer = new IrsaCluster(this, 'ShopIssuer', { issuerUrl: SHOP_ISSUER_URL });
    const reports = shopIssuer.addServiceAccount('Reports', { namespace: 'shop', name: 'reports' });
    bucket.grantRead(reports);
  }
}

/**
 * The cluster's account: EKS Pod Identity only (no OIDC provider here), `shop/orders` with the data account's target
 * role, and `shop/audit` with a target role in this account, which also pins the association's ExternalId.
 */
export class ShopClusterStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps & { readonly data: ShopDataStack }) {
    super(scope, id, props);
    const shop = new IrsaCluster(this, 'Shop', { clusterName: SHOP_CLUSTER_NAME, createOidcProvider: false });
    shop.addServiceAccount('Orders', {
      namespace: 'shop', name: 'orders', identity: ServiceAccountIdentity.POD_IDENTITY, targetRole: props.data.ordersReader.role,
    });

    const auditLog = new s3.Bucket(this, 'AuditLog', { bucketName: `shop-audit-${this.account}-${this.region}` });
    const auditWriter = new PodIdentityTargetRole(this, 'AuditWriter');
    const audit = shop.addServiceAccount('Audit', {
      namespace: 'shop', name: 'audit', identity: ServiceAccountIdentity.POD_IDENTITY, targetRole: auditWriter.role,
    });
    auditLog.grantPut(audit);
  }
}

/** The app `npx cdk synth` runs here: one stack per account, audited by IrsaChecks. */
export function buildCrossAccountApp(app: App = new App()): App {
  Aspects.of(app).add(new IrsaChecks());
  const data = new ShopDataStack(app, 'ShopData', { env: { account: DATA_ACCOUNT, region: REGION } });
  new ShopClusterStack(app, 'ShopCluster', { env: { account: CLUSTER_ACCOUNT, region: REGION }, data });
  return app;
}

if (require.main === module) buildCrossAccountApp().synth();
