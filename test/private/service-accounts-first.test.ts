import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { orderServiceAccountsFirst } from '../../src/private/service-accounts-first';

function chart(namespace?: string) {
  return new cdk8s.Chart(new cdk8s.App(), 'c', { namespace });
}

function serviceAccount(scope: cdk8s.Chart, name: string, namespace = 'ns') {
  return new kplus.ServiceAccount(scope, `sa-${namespace}-${name}`, { metadata: { name, namespace } });
}

function podSpec(serviceAccountName: string) {
  return { serviceAccountName, containers: [{ name: 'app', image: 'busybox' }] };
}

const kindsAndNames = (c: cdk8s.Chart) => c.toJson().map(o => `${o.kind} ${o.metadata.name}`);

describe('orderServiceAccountsFirst', () => {
  test('puts a ServiceAccount before a Deployment created earlier that runs as it', () => {
    // GIVEN a Deployment that names its ServiceAccount before the ServiceAccount exists
    const c = chart();
    new kplus.Deployment(c, 'app', {
      metadata: { name: 'app', namespace: 'ns' },
      serviceAccount: kplus.ServiceAccount.fromServiceAccountName(c, 'ref', 'orders'),
      containers: [{ image: 'busybox', securityContext: { ensureNonRoot: false } }],
    });
    serviceAccount(c, 'orders');
    expect(kindsAndNames(c)).toEqual(['Deployment app', 'ServiceAccount orders']);

    // WHEN
    orderServiceAccountsFirst(c);

    // THEN
    expect(kindsAndNames(c)).toEqual(['ServiceAccount orders', 'Deployment app']);
  });

  test.each([
    ['a Pod', 'v1', 'Pod', podSpec('orders')],
    ['a CronJob', 'batch/v1', 'CronJob', { jobTemplate: { spec: { template: { spec: podSpec('orders') } } } }],
    ['a Job', 'batch/v1', 'Job', { template: { spec: podSpec('orders') } }],
    ['a StatefulSet', 'apps/v1', 'StatefulSet', { template: { spec: podSpec('orders') } }],
    ['a DaemonSet', 'apps/v1', 'DaemonSet', { template: { spec: podSpec('orders') } }],
    ['a ReplicaSet', 'apps/v1', 'ReplicaSet', { template: { spec: podSpec('orders') } }],
    ['a custom resource with a pod template', 'argoproj.io/v1alpha1', 'Rollout', { template: { spec: podSpec('orders') } }],
  ])('orders %s after the ServiceAccount it names', (_, apiVersion, kind, spec) => {
    const c = chart();
    new cdk8s.ApiObject(c, 'user', { apiVersion, kind, metadata: { name: 'user', namespace: 'ns' }, spec });
    serviceAccount(c, 'orders');
    orderServiceAccountsFirst(c);
    expect(kindsAndNames(c)).toEqual(['ServiceAccount orders', `${kind} user`]);
  });

  test('uses the chart namespace of an object, and matches any namespace when the object has none', () => {
    // GIVEN ServiceAccounts "orders" in two namespaces, and Pods in one, in the other's chart namespace, and in none
    const inChartNamespace = chart('shop');
    new cdk8s.ApiObject(inChartNamespace, 'pod', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pod' }, spec: podSpec('orders') });
    serviceAccount(inChartNamespace, 'orders', 'ns');
    serviceAccount(inChartNamespace, 'orders', 'shop');

    const noNamespace = chart();
    new cdk8s.ApiObject(noNamespace, 'pod', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pod' }, spec: podSpec('orders') });
    serviceAccount(noNamespace, 'orders', 'ns');
    serviceAccount(noNamespace, 'orders', 'shop');

    // WHEN
    orderServiceAccountsFirst(inChartNamespace);
    orderServiceAccountsFirst(noNamespace);

    // THEN
    expect(inChartNamespace.toJson().map(o => `${o.kind} ${o.metadata.namespace}`)).toEqual(['ServiceAccount shop', 'Pod shop', 'ServiceAccount ns']);
    expect(noNamespace.toJson().map(o => `${o.kind} ${o.metadata.namespace}`)).toEqual(['ServiceAccount ns', 'ServiceAccount shop', 'Pod undefined']);
  });

  test('leaves objects that use no ServiceAccount of the chart where they are', () => {
    const c = chart();
    new cdk8s.ApiObject(c, 'other', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'other', namespace: 'ns' }, spec: podSpec('someone-else') });
    new cdk8s.ApiObject(c, 'config', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'config', namespace: 'ns' }, data: { a: 'b' } });
    serviceAccount(c, 'orders');
    orderServiceAccountsFirst(c);
    expect(kindsAndNames(c)).toEqual(['Pod other', 'ConfigMap config', 'ServiceAccount orders']);
    expect(c.node.findAll().flatMap(x => x.node.dependencies)).toEqual([]);
  });

  test('adds one dependency per use, and none to a chart of ServiceAccounts', () => {
    // GIVEN 300 ServiceAccounts and two workloads, each running as one of them
    const c = chart();
    new cdk8s.ApiObject(c, 'first', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'first', namespace: 'ns' }, spec: podSpec('sa-299') });
    for (let i = 0; i < 300; i++) serviceAccount(c, `sa-${i}`);
    new cdk8s.ApiObject(c, 'last', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'last', namespace: 'ns' }, spec: podSpec('sa-0') });
    const onlyServiceAccounts = chart();
    for (let i = 0; i < 300; i++) serviceAccount(onlyServiceAccounts, `sa-${i}`);

    // WHEN
    orderServiceAccountsFirst(c);
    orderServiceAccountsFirst(onlyServiceAccounts);

    // THEN
    expect(c.node.findAll().flatMap(x => x.node.dependencies.map(d => `${x.node.id} -> ${d.node.scope!.node.id}`)))
      .toEqual(['first -> sa-ns-sa-299', 'last -> sa-ns-sa-0']);
    expect(onlyServiceAccounts.node.findAll().flatMap(x => x.node.dependencies)).toEqual([]);
    const names = kindsAndNames(c);
    expect(names.indexOf('ServiceAccount sa-299')).toBeLessThan(names.indexOf('Pod first'));
    expect(names.indexOf('ServiceAccount sa-0')).toBeLessThan(names.indexOf('Pod last'));
  });
});
