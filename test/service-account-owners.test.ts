import { Stack } from 'aws-cdk-lib';
import { IrsaCluster, ServiceAccountIdentity } from '../src';
import { ACCOUNT, ENV, SEED_ISSUER, SEED_ISSUER_URL, testApp, testStack } from './support/app';

/* One owner per ServiceAccount of a cluster, across constructs, IrsaClusters and stacks of one app. */

const OWNED = (name: string, namespace: string, cluster: string, other: string) => `ServiceAccount "${name}" in namespace "${namespace}" ` +
  `of cluster '${cluster}' already belongs to '${other}'. A ServiceAccount has one owner: two would each set its role, the last deploy ` +
  `would win, and removing either would delete it for both. Use another name, or give '${other}' the permissions instead.`;

describe('one owner per ServiceAccount', () => {
  test('an IrsaCluster and an imported one of the same issuer, in two stacks, are one cluster', () => {
    const app = testApp();
    const platform = new IrsaCluster(new Stack(app, 'Platform', { env: ENV }), 'Irsa', { issuerUrl: SEED_ISSUER_URL });
    const apps = IrsaCluster.fromOidcProviderArn(new Stack(app, 'Apps', { env: ENV }), 'Irsa', `arn:aws:iam::${ACCOUNT}:oidc-provider/${SEED_ISSUER}`);
    platform.addServiceAccount('Orders', { namespace: 'shop', name: 'orders' });
    expect(() => apps.addServiceAccount('Orders', { namespace: 'shop', name: 'orders' }))
      .toThrow(`IrsaServiceAccount 'Apps/Irsa/Orders': ${OWNED('orders', 'shop', 'Apps/Irsa', 'Platform/Irsa/Orders')}`);
    expect(() => apps.addServiceAccount('Billing', { namespace: 'shop', name: 'billing' })).not.toThrow();
  });

  test('a ServiceAccount and a role for a chart\'s ServiceAccount of the same name', () => {
    const irsa = new IrsaCluster(testStack(), 'Irsa', { issuerUrl: SEED_ISSUER_URL });
    irsa.addServiceAccount('Agent', { namespace: 'monitoring', name: 'agent' });
    expect(() => irsa.addServiceAccountRole('AgentRole', { namespace: 'monitoring', name: 'agent' }))
      .toThrow(`IrsaServiceAccountRole 'Stack/Irsa/AgentRole': ${OWNED('agent', 'monitoring', 'Stack/Irsa', 'Stack/Irsa/Agent')}`);
  });

  test('clusters of one name are one cluster in one account and region, and two clusters in two accounts', () => {
    const app = testApp();
    const podIdentityOnly = (stack: Stack) => new IrsaCluster(stack, 'Irsa', { clusterName: 'prod', createOidcProvider: false });
    const first = podIdentityOnly(new Stack(app, 'First', { env: ENV }));
    const second = podIdentityOnly(new Stack(app, 'Second', { env: ENV }));
    const elsewhere = podIdentityOnly(new Stack(app, 'Elsewhere', { env: { ...ENV, account: '222222222222' } }));
    const options = { namespace: 'shop', name: 'orders', identity: ServiceAccountIdentity.POD_IDENTITY };
    first.addServiceAccountRole('Orders', options);
    expect(() => second.addServiceAccountRole('Orders', options))
      .toThrow(`IrsaServiceAccountRole 'Second/Irsa/Orders': ${OWNED('orders', 'shop', 'Second/Irsa', 'First/Irsa/Orders')}`);
    expect(() => elsewhere.addServiceAccountRole('Orders', options)).not.toThrow();
  });

  test('trust() claims the ServiceAccount it names', () => {
    const stack = testStack();
    const blue = new IrsaCluster(stack, 'Blue', { issuerUrl: SEED_ISSUER_URL });
    const green = new IrsaCluster(stack, 'Green', { issuerUrl: `${SEED_ISSUER_URL}0` });
    const greenOrders = green.addServiceAccount('Orders', { namespace: 'shop', name: 'orders' });
    const blueOrders = blue.addServiceAccount('Orders', { namespace: 'shop', name: 'orders' });
    expect(() => blueOrders.trust(green)).toThrow(`IrsaServiceAccount 'Stack/Blue/Orders': ${OWNED('orders', 'shop', 'Stack/Green', greenOrders.node.path)}`);
    expect(() => blueOrders.trust(green, { name: 'orders-v2' })).not.toThrow();
  });
});
