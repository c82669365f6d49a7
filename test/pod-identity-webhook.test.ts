import * as fs from 'fs';
import * as path from 'path';
import { App, Duration, Stack, Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { MutatingWebhookConfiguration } from 'kubernetes-models/admissionregistration.k8s.io/v1/MutatingWebhookConfiguration';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { generate } from 'selfsigned';
import * as YAML from 'yaml';
import { IrsaCluster, PodIdentityWebhook, PodIdentityWebhookProps, ServiceAccountIssuer, WebhookCertificate, WebhookFailurePolicy } from '../src';
import { SEED_ISSUER_URL, testStack } from './support/app';
import { RSA_2048_PUBLIC_KEY } from './support/public-keys';

const SELF_MANAGED_ISSUER_URL = 'https://oidc.cluster-a.example.com';
const MODELS: Record<string, new (data: any) => { validate(): void }> = {
  Namespace, ServiceAccount, ClusterRole, ClusterRoleBinding, Deployment, PodDisruptionBudget, Service, MutatingWebhookConfiguration,
};

let caPem: string;
let caKeyPem: string;
beforeAll(async () => {
  const pems = await generate([{ name: 'commonName', value: 'pod-identity-webhook.pod-identity-webhook.svc' }], {
    keySize: 2048,
    notAfterDate: new Date(Date.now() + 24 * 3600 * 1000),
  });
  caPem = pems.cert;
  caKeyPem = pems.private;
});

function selfManagedCluster(stack: Stack): IrsaCluster {
  return new IrsaCluster(stack, 'Irsa', { issuerUrl: SELF_MANAGED_ISSUER_URL });
}

/** Synthesizes the stack's app and returns the objects of the cluster's chart file, in file order. */
function chartObjects(stack: Stack, file = `${stack.artifactId}.Irsa.k8s.yaml`): any[] {
  const outdir = (stack.node.root as App).synth().directory;
  return YAML.parseAllDocuments(fs.readFileSync(path.join(outdir, file), 'utf8')).map(d => d.toJS());
}

function webhookOf(props: Partial<PodIdentityWebhookProps> = {}): { stack: Stack; webhook: PodIdentityWebhook; objects: () => any[] } {
  const stack = testStack();
  const cluster = selfManagedCluster(stack);
  const webhook = new PodIdentityWebhook(stack, 'Webhook', { cluster, certificate: WebhookCertificate.fromSecret('webhook-tls', caPem), ...props });
  return { stack, webhook, objects: () => chartObjects(stack) };
}

const ofKind = (objects: any[], kind: string) => objects.find(o => o.kind === kind);

/** The whole message, anchored; `<token>` and `<reason>` stand for what differs per run (a token's text, Node's reason). */
function wholeMessage(message: string): RegExp {
  const escaped = message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped.replace('<token>', '\\S+').replace('<reason>', '[^)]+')}$`);
}

describe('PodIdentityWebhook', () => {
  test('writes the upstream webhook into the cluster\'s chart, before the ServiceAccounts, each object valid against the Kubernetes schema', () => {
    // GIVEN
    const stack = testStack();
    const cluster = selfManagedCluster(stack);
    cluster.addServiceAccount('Orders', { namespace: 'shop', name: 'orders' });

    // WHEN
    new PodIdentityWebhook(stack, 'Webhook', { cluster, certificate: WebhookCertificate.fromSecret('webhook-tls', caPem) });

    // THEN
    const objects = chartObjects(stack);
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Namespace/pod-identity-webhook',
      'ServiceAccount/pod-identity-webhook',
      'ClusterRole/pod-identity-webhook',
      'ClusterRoleBinding/pod-identity-webhook',
      'Deployment/pod-identity-webhook',
      'PodDisruptionBudget/pod-identity-webhook',
      'Service/pod-identity-webhook',
      'MutatingWebhookConfiguration/pod-identity-webhook',
      'ServiceAccount/orders',
    ]);
    for (const object of objects) {
      expect(() => new MODELS[object.kind](object).validate()).not.toThrow();
    }
    // The CA is made per run: the snapshot holds its place, the caBundle test its value.
    const config = ofKind(objects, 'MutatingWebhookConfiguration');
    config.webhooks[0].clientConfig.caBundle = '<the CA certificate, base64>';
    expect(objects).toMatchSnapshot();
  });

  test('reads the annotation prefix cdk-irsa writes and defaults tokens to the audience it leaves unannotated', () => {
    // GIVEN
    const { webhook, objects } = webhookOf();

    // THEN
    const container = ofKind(objects(), 'Deployment').spec.template.spec.containers[0];
    expect(container.command).toEqual(webhook.command);
    // The port it listens on is the one its probes and the Service's targetPort name.
    const https = container.ports.find((p: any) => p.name === 'https').containerPort;
    expect(webhook.command).toContain(`--port=${https}`);
    expect(webhook.command).toEqual(expect.arrayContaining(['--annotation-prefix=eks.amazonaws.com', '--token-audience=sts.amazonaws.com', '--in-cluster=false']));
  });

  test('runs non-root on a read-only root file system with no capabilities, and is never sent its own Pods', () => {
    // GIVEN
    const { objects } = webhookOf({ failurePolicy: WebhookFailurePolicy.FAIL });

    // THEN
    const all = objects();
    const pod = ofKind(all, 'Deployment').spec.template;
    expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532 });
    expect(pod.spec.containers[0].securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(pod.metadata.labels['eks.amazonaws.com/skip-pod-identity-webhook']).toBe('true');
    const webhook = ofKind(all, 'MutatingWebhookConfiguration').webhooks[0];
    expect(webhook.failurePolicy).toBe('Fail');
    expect(webhook.objectSelector.matchExpressions).toContainEqual({ key: 'eks.amazonaws.com/skip-pod-identity-webhook', operator: 'DoesNotExist' });
  });

  test('grants the webhook reading ServiceAccounts and nothing else: no Secrets, no CertificateSigningRequests', () => {
    // GIVEN
    const { objects } = webhookOf();

    // THEN
    const all = objects();
    expect(all.filter(o => ['Role', 'RoleBinding'].includes(o.kind))).toEqual([]);
    expect(ofKind(all, 'ClusterRole').rules).toEqual([{ apiGroups: [''], resources: ['serviceaccounts'], verbs: ['get', 'watch', 'list'] }]);
    expect(ofKind(all, 'ClusterRoleBinding').subjects).toEqual([{ kind: 'ServiceAccount', name: 'pod-identity-webhook', namespace: 'pod-identity-webhook' }]);
  });

  test('with a certificate you give: the Secret is mounted and the CA goes into caBundle; no private key reaches the cloud assembly', () => {
    // GIVEN
    const { stack, objects } = webhookOf();

    // THEN
    const all = objects();
    const config = ofKind(all, 'MutatingWebhookConfiguration');
    expect(Buffer.from(config.webhooks[0].clientConfig.caBundle, 'base64').toString()).toBe(caPem.trim() + '\n');
    expect(config.metadata.annotations).toBeUndefined();
    expect(ofKind(all, 'Deployment').spec.template.spec.volumes).toEqual([{ name: 'cert', secret: { secretName: 'webhook-tls' } }]);
    const outdir = (stack.node.root as App).outdir;
    for (const file of fs.readdirSync(outdir)) {
      expect(fs.readFileSync(path.join(outdir, file), 'utf8')).not.toContain('PRIVATE KEY');
    }
  });

  test('with cert-manager: a namespaced self-signed Issuer and a Certificate for the Service\'s names, injected into the configuration', () => {
    // GIVEN
    const { objects } = webhookOf({ certificate: WebhookCertificate.certManager(), namespace: 'identity' });

    // THEN
    const all = objects();
    expect(all.filter(o => o.apiVersion === 'cert-manager.io/v1').map(o => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`))
      .toEqual(['Issuer/identity/pod-identity-webhook-selfsigned', 'Certificate/identity/pod-identity-webhook']);
    const certificate = ofKind(all, 'Certificate');
    expect(certificate.spec.dnsNames).toContain('pod-identity-webhook.identity.svc');
    expect(ofKind(all, 'Deployment').spec.template.spec.volumes[0].secret.secretName).toBe(certificate.spec.secretName);
    const config = ofKind(all, 'MutatingWebhookConfiguration');
    expect(config.metadata.annotations).toEqual({ 'cert-manager.io/inject-ca-from': 'identity/pod-identity-webhook' });
    expect(config.webhooks[0].clientConfig.caBundle).toBeUndefined();
  });

  test('options reach the command line, the selectors, the Service and the workload', () => {
    // GIVEN
    const { objects } = webhookOf({
      namespace: 'kube-system',
      createNamespace: false,
      replicas: 1,
      servicePort: 8443,
      timeout: Duration.seconds(5),
      awsDefaultRegion: 'eu-west-1',
      stsRegionalEndpoint: true,
      tokenExpiration: Duration.hours(2),
      image: 'registry.example.com/pod-identity-webhook@sha256:' + 'a'.repeat(64),
      resources: { cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.units(1) }, memory: { limit: cdk8s.Size.mebibytes(512) } },
      namespaceSelector: kplus.LabelSelector.of({ labels: { irsa: 'on' } }),
      objectSelector: kplus.LabelSelector.of({ expressions: [kplus.LabelExpression.notIn('tier', ['system'])] }),
    });

    // THEN
    const all = objects();
    expect(all.map(o => o.kind)).not.toContain('Namespace');
    expect(all.map(o => o.kind)).not.toContain('PodDisruptionBudget');
    const deployment = ofKind(all, 'Deployment');
    const container = deployment.spec.template.spec.containers[0];
    expect(deployment.spec.replicas).toBe(1);
    expect(container.image).toBe('registry.example.com/pod-identity-webhook@sha256:' + 'a'.repeat(64));
    expect(container.command).toEqual(expect.arrayContaining([
      '--namespace=kube-system', '--aws-default-region=eu-west-1', '--sts-regional-endpoint=true', '--token-expiration=7200',
    ]));
    expect(container.resources).toEqual({ requests: { cpu: '100m' }, limits: { cpu: '1', memory: '512Mi' } });
    expect(ofKind(all, 'Service').spec.ports).toEqual([{ name: 'https', port: 8443, targetPort: 'https', protocol: 'TCP' }]);
    const webhook = ofKind(all, 'MutatingWebhookConfiguration').webhooks[0];
    expect(webhook.clientConfig.service).toEqual({ name: 'pod-identity-webhook', namespace: 'kube-system', path: '/mutate', port: 8443 });
    expect(webhook.timeoutSeconds).toBe(5);
    expect(webhook.namespaceSelector).toEqual({ matchLabels: { irsa: 'on' } });
    expect(webhook.objectSelector.matchExpressions).toEqual([
      { key: 'tier', operator: 'NotIn', values: ['system'] },
      { key: 'eks.amazonaws.com/skip-pod-identity-webhook', operator: 'DoesNotExist' },
    ]);
  });

  test('goes into the chart you pass, before its ServiceAccounts, whatever order they were made in', () => {
    // GIVEN
    const stack = testStack();
    const cluster = selfManagedCluster(stack);
    const chart = new cdk8s.Chart(new cdk8s.App(), 'identity');
    const orders = cluster.addServiceAccount('Orders', { namespace: 'shop', name: 'orders', chart });
    new kplus.Deployment(chart, 'App', { metadata: { namespace: 'shop' }, serviceAccount: orders.serviceAccount, containers: [{ image: 'app' }] });

    // WHEN
    new PodIdentityWebhook(stack, 'Webhook', { cluster, chart, certificate: WebhookCertificate.fromSecret('webhook-tls', caPem) });

    // THEN
    const names = chartObjects(stack, `${stack.artifactId}.identity.k8s.yaml`).map(o => `${o.kind}/${o.metadata.name}`);
    expect(names.indexOf('MutatingWebhookConfiguration/pod-identity-webhook')).toBeLessThan(names.indexOf('ServiceAccount/orders'));
    expect(names.indexOf('ServiceAccount/orders')).toBeLessThan(names.findIndex(n => n.startsWith('Deployment/') && n !== 'Deployment/pod-identity-webhook'));
  });

  test('in a chart with a namespace: keeps its own namespace, and cluster-scoped objects stay without one', () => {
    // GIVEN
    const stack = testStack();
    const cluster = selfManagedCluster(stack);
    const chart = new cdk8s.Chart(new cdk8s.App(), 'shop', { namespace: 'shop' });

    // WHEN
    new PodIdentityWebhook(stack, 'Webhook', { cluster, chart, certificate: WebhookCertificate.certManager() });

    // THEN
    const objects = chartObjects(stack, `${stack.artifactId}.shop.k8s.yaml`);
    const scoped = (kind: string) => ofKind(objects, kind).metadata.namespace;
    expect(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'MutatingWebhookConfiguration'].map(scoped)).toEqual([undefined, undefined, undefined, undefined]);
    expect(ofKind(objects, 'Namespace').metadata.name).toBe('pod-identity-webhook');
    expect(['ServiceAccount', 'Deployment', 'Service', 'Certificate'].map(scoped)).toEqual(Array(4).fill('pod-identity-webhook'));
  });

  test('in a namespace of Kubernetes\' own, does not create it', () => {
    // GIVEN
    const { objects } = webhookOf({ namespace: 'kube-system' });

    // THEN
    expect(objects().map(o => o.kind)).not.toContain('Namespace');
  });

  test('takes a ServiceAccountIssuer\'s cluster', () => {
    // GIVEN
    const stack = testStack();
    const issuer = new ServiceAccountIssuer(stack, 'Issuer', { publicKeys: [RSA_2048_PUBLIC_KEY], issuerUrl: SELF_MANAGED_ISSUER_URL });
    const cluster = new IrsaCluster(stack, 'Irsa', { issuer });

    // WHEN
    new PodIdentityWebhook(stack, 'Webhook', { cluster, certificate: WebhookCertificate.certManager() });

    // THEN
    expect(ofKind(chartObjects(stack), 'MutatingWebhookConfiguration').webhooks[0].name).toBe('pod-identity-webhook.amazonaws.com');
  });

  describe('bad input', () => {
    const certificate = () => WebhookCertificate.fromSecret('webhook-tls', caPem);

    test('an EKS cluster, whose control plane runs the webhook already', () => {
      const stack = testStack();
      const byIssuer = new IrsaCluster(stack, 'Eks', { issuerUrl: SEED_ISSUER_URL });
      expect(() => new PodIdentityWebhook(stack, 'Webhook', { cluster: byIssuer, certificate: certificate() })).toThrow(
        "PodIdentityWebhook 'Stack/Webhook': cluster 'Stack/Eks' is an EKS cluster (issuer oidc.eks.eu-west-2.amazonaws.com/id/0524940DCDEE3C59B6B1ABEFCE8BB2A2), " +
        'whose control plane runs the pod identity webhook already. Use PodIdentityWebhook only for clusters you run yourself.');
      const byName = new IrsaCluster(stack, 'Named', { issuerUrl: SELF_MANAGED_ISSUER_URL.replace('cluster-a', 'cluster-b'), clusterName: 'prod' });
      expect(() => new PodIdentityWebhook(stack, 'Webhook2', { cluster: byName, certificate: certificate() })).toThrow(new Error(
        "PodIdentityWebhook 'Stack/Webhook2': cluster 'Stack/Named' is an EKS cluster, " +
        'whose control plane runs the pod identity webhook already. Use PodIdentityWebhook only for clusters you run yourself.'));
      const imported = IrsaCluster.fromIrsaClusterAttributes(stack, 'Imported', {
        openIdConnectProviderArn: 'arn:aws:iam::123456789012:oidc-provider/oidc.cluster-c.example.com',
        kubectlCluster: eks.Cluster.fromClusterAttributes(stack, 'Cluster', { clusterName: 'c', kubectlRoleArn: 'arn:aws:iam::123456789012:role/kubectl' }),
      });
      expect(() => new PodIdentityWebhook(stack, 'Webhook3', { cluster: imported, certificate: certificate() })).toThrow(new Error(
        "PodIdentityWebhook 'Stack/Webhook3': cluster 'Stack/Imported' is an EKS cluster, " +
        'whose control plane runs the pod identity webhook already. Use PodIdentityWebhook only for clusters you run yourself.'));
    });

    test('a second webhook for one cluster', () => {
      const stack = testStack();
      const cluster = selfManagedCluster(stack);
      new PodIdentityWebhook(stack, 'Webhook', { cluster, certificate: certificate() });
      expect(() => new PodIdentityWebhook(stack, 'Again', { cluster, certificate: certificate(), namespace: 'other' })).toThrow(
        "PodIdentityWebhook 'Stack/Again': cluster 'Stack/Irsa' has a pod identity webhook already ('Stack/Webhook'). A cluster runs one: two would both mutate every Pod.");
    });

    test.each([
      [{ replicas: 0 }, 'replicas is 0; pass a whole number of at least 1 (2 or more keep it answering through a node drain).'],
      [{ replicas: 1.5 }, 'replicas is 1.5; pass a whole number of at least 1 (2 or more keep it answering through a node drain).'],
      [{ servicePort: 70000 }, 'servicePort is 70000; pass a port number from 1 to 65535.'],
      [{ timeout: Duration.seconds(31) }, 'timeout is Duration.seconds(31); the API server takes a whole number of seconds from 1 to 30.'],
      [{ awsDefaultRegion: 'Europe' }, 'awsDefaultRegion "Europe" is not a region name. Pass a literal one, such as eu-west-1.'],
      [{ image: 'two words' }, 'image "two words" is not an image reference. Pass a literal one, such as public.ecr.aws/eks/amazon-eks-pod-identity-webhook:v0.6.17.'],
      [{ namespace: 'Shop' }, 'namespace "Shop" is not a valid Kubernetes namespace. ' +
        'Use a DNS-1123 label: 1-63 lowercase letters, digits or "-", starting and ending with a letter or digit.'],
      [{ awsDefaultRegion: '' }, 'awsDefaultRegion "" is not a region name. Pass a literal one, such as eu-west-1.'],
      [{ awsDefaultRegion: Token.asString({ Ref: 'AWS::Region' }) }, 'awsDefaultRegion is only known at deploy time, and it is written into the manifest at synth time. ' +
        'Pass a literal region, or set env: { region } on the stack.'],
      [{ image: Token.asString({ Ref: 'Image' }) }, 'image "<token>" is not an image reference. Pass a literal one, such as public.ecr.aws/eks/amazon-eks-pod-identity-webhook:v0.6.17.'],
      [{ replicas: Token.asNumber({ Ref: 'Replicas' }) }, 'replicas is <token>; pass a whole number of at least 1 (2 or more keep it answering through a node drain).'],
      [{ namespace: 'kube-system', createNamespace: true }, 'createNamespace is true, but namespace "kube-system" is Kubernetes\' own: a file that created it would delete it ' +
        'when deleted. Leave createNamespace out.'],
      [{ namespaceSelector: kplus.LabelSelector.of({ labels: { 'bad key!': 'x' } }) }, 'namespaceSelector label key "bad key!" is not a valid Kubernetes key. ' +
        'Use an optional DNS subdomain prefix and "/", then 1-63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit.'],
      [{ objectSelector: kplus.LabelSelector.of({ expressions: [kplus.LabelExpression.in('tier', [])] }) },
        'objectSelector: the In expression on "tier" has no values, which the API server refuses. Give at least one.'],
      [{ objectSelector: kplus.LabelSelector.of({ labels: { 'eks.amazonaws.com/skip-pod-identity-webhook': 'true' } }) },
        'objectSelector asks for the eks.amazonaws.com/skip-pod-identity-webhook label, which the webhook always excludes: it would select no Pod. ' +
        'Select Pods by another label.'],
      [{ tokenExpiration: Duration.minutes(5) }, 'tokenExpiration is 300 seconds; the pod identity webhook requires a whole number of at least 600 seconds (10 minutes).'],
    ] as Array<[Partial<PodIdentityWebhookProps>, string]>)('%j', (props, message) => {
      const stack = testStack();
      expect(() => new PodIdentityWebhook(stack, 'Webhook', { cluster: selfManagedCluster(stack), certificate: certificate(), ...props }))
        .toThrow(wholeMessage(`PodIdentityWebhook 'Stack/Webhook': ${message}`));
    });

    test('a CA certificate that is no PEM certificate, does not parse, holds a private key or is a token, and a Secret name that is none', () => {
      expect(() => WebhookCertificate.fromSecret(Token.asString({ Ref: 'Name' }), caPem)).toThrow(
        'PodIdentityWebhook: WebhookCertificate.fromSecret takes a literal Secret name and CA certificate: both are written into the manifest at synth time.');
      expect(() => WebhookCertificate.fromSecret('webhook-tls', 'not a certificate')).toThrow(
        'PodIdentityWebhook: WebhookCertificate.fromSecret: the CA certificate is not a PEM CERTIFICATE block. Pass the PEM text of the CA that signed the Secret\'s certificate.');
      let message = '';
      try {
        WebhookCertificate.fromSecret('webhook-tls', caPem + caKeyPem);
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toBe('PodIdentityWebhook: WebhookCertificate.fromSecret: the CA certificate holds a private key. Pass the CA\'s certificate only ' +
        '(a CERTIFICATE block); the key belongs in the Secret, which you create in the cluster.');
      expect(() => WebhookCertificate.fromSecret('webhook-tls', caPem.replace(/[A-Za-z]{20}/, 'x'))).toThrow(wholeMessage(
        'PodIdentityWebhook: WebhookCertificate.fromSecret: a CERTIFICATE block of the CA certificate does not parse (<reason>).'));
      expect(() => WebhookCertificate.fromSecret('Webhook_TLS', caPem)).toThrow(new Error(
        'PodIdentityWebhook: WebhookCertificate.fromSecret: "Webhook_TLS" is not a Secret name. Use lower-case letters, digits, \'-\' and \'.\' (at most 253).'));
    });
  });

  test('owns its ServiceAccount: an IrsaServiceAccount of the same name and namespace is refused', () => {
    const { stack } = webhookOf();
    const cluster = stack.node.findChild('Irsa') as IrsaCluster;
    expect(() => cluster.addServiceAccount('Sa', { namespace: 'pod-identity-webhook', name: 'pod-identity-webhook' })).toThrow(
      "IrsaServiceAccount 'Stack/Irsa/Sa': ServiceAccount \"pod-identity-webhook\" in namespace \"pod-identity-webhook\" of cluster " +
      "'Stack/Irsa' already belongs to 'Stack/Webhook'.");
  });
});
