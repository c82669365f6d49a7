import { STS_AUDIENCE } from './irsa-constants';
import { ANNOTATION_PREFIX, SKIP_WEBHOOK_LABEL } from './service-account-annotations';

/*
 * The Kubernetes objects of the pod identity webhook, shaped after the upstream deploy/ files of
 * amazon-eks-pod-identity-webhook (auth.yaml, deployment-base.yaml, service.yaml, mutatingwebhook.yaml), with the
 * differences each object's comment gives. Plain objects, so a test can read them without cdk8s.
 */

/** The name upstream gives the ServiceAccount, roles, Deployment, Service and webhook configuration. */
export const WEBHOOK_NAME = 'pod-identity-webhook';
/** The name of the one webhook in the configuration, as upstream and EKS name it. */
export const MUTATING_WEBHOOK_NAME = 'pod-identity-webhook.amazonaws.com';
/** The image upstream publishes, at the release the lab builds from (lab/kube/pod-identity-webhook/go.mod). */
export const WEBHOOK_IMAGE = 'public.ecr.aws/eks/amazon-eks-pod-identity-webhook:v0.6.17';
/** Where the container reads its certificate (upstream's --tls-cert and --tls-key defaults). */
export const CERTIFICATE_DIRECTORY = '/etc/webhook/certs';
/**
 * The container's HTTPS port. Not upstream's 443: binding a port under 1024 needs NET_BIND_SERVICE, which a container
 * that drops every capability lacks on runtimes that do not lower ip_unprivileged_port_start. The Service maps 443 to it.
 */
export const CONTAINER_PORT = 8443;
/** Upstream's --metrics-port default (plain HTTP, /metrics). */
export const METRICS_PORT = 9999;
/** A numeric non-root UID (distroless' nonroot), so that the kubelet can check runAsNonRoot whatever user the image names. */
const NONROOT_UID = 65532;
const SELECTOR_LABEL = 'app.kubernetes.io/name';

/** What the webhook's objects are made of. */
export interface WebhookManifestInput {
  readonly namespace: string;
  readonly createNamespace: boolean;
  readonly image: string;
  readonly replicas: number;
  readonly resources: { requests?: Record<string, string>; limits?: Record<string, string> };
  readonly servicePort: number;
  readonly failurePolicy: 'Ignore' | 'Fail';
  readonly namespaceSelector?: object;
  readonly objectSelector?: { matchLabels?: Record<string, string>; matchExpressions?: object[] };
  readonly timeoutSeconds?: number;
  /** The Secret (type kubernetes.io/tls) the container reads its certificate from. */
  readonly certificateSecret: string;
  /** The PEM CA bundle, when the user gives it; otherwise cert-manager injects it from `injectCaFrom`. */
  readonly caBundle?: string;
  readonly injectCaFrom?: string;
  readonly awsDefaultRegion?: string;
  readonly stsRegionalEndpoint?: boolean;
  readonly tokenExpirationSeconds?: number;
}

/** The webhook's command line: upstream's deployment-base.yaml, with cdk-irsa's prefix and audience, and options. */
export function webhookCommand(input: WebhookManifestInput): string[] {
  return [
    '/webhook',
    // Certificates come from the mounted Secret (cert-manager's or the user's), not from a CertificateSigningRequest.
    '--in-cluster=false',
    `--namespace=${input.namespace}`,
    `--service-name=${WEBHOOK_NAME}`,
    `--annotation-prefix=${ANNOTATION_PREFIX}`,
    `--token-audience=${STS_AUDIENCE}`,
    `--port=${CONTAINER_PORT}`,
    ...(input.awsDefaultRegion !== undefined ? [`--aws-default-region=${input.awsDefaultRegion}`] : []),
    ...(input.stsRegionalEndpoint !== undefined ? [`--sts-regional-endpoint=${input.stsRegionalEndpoint}`] : []),
    ...(input.tokenExpirationSeconds !== undefined ? [`--token-expiration=${input.tokenExpirationSeconds}`] : []),
    '--logtostderr',
  ];
}

/** Every object of the webhook, in the order they are applied: what a Pod of the Deployment needs comes before it. */
export function webhookManifests(input: WebhookManifestInput): any[] {
  const namespace = input.namespace;
  const labels = { [SELECTOR_LABEL]: WEBHOOK_NAME };
  const metadata = { name: WEBHOOK_NAME, namespace, labels };
  const subject = { kind: 'ServiceAccount', name: WEBHOOK_NAME, namespace };
  const objects: any[] = [];
  if (input.createNamespace) objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels } });
  objects.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata, automountServiceAccountToken: true });
  // Upstream's ClusterRole also grants CertificateSigningRequests, and its Role Secrets: both serve --in-cluster=true,
  // which makes its own certificate. With the certificate mounted, reading ServiceAccounts is all the webhook does.
  objects.push({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: WEBHOOK_NAME, labels },
    rules: [{ apiGroups: [''], resources: ['serviceaccounts'], verbs: ['get', 'watch', 'list'] }],
  });
  objects.push({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: WEBHOOK_NAME, labels },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: WEBHOOK_NAME },
    subjects: [subject],
  });
  if (input.injectCaFrom) objects.push(...certManagerObjects(input, labels));
  objects.push(deployment(input, metadata, labels));
  if (input.replicas > 1) {
    objects.push({
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata,
      spec: { maxUnavailable: 1, selector: { matchLabels: labels } },
    });
  }
  objects.push({
    apiVersion: 'v1',
    kind: 'Service',
    metadata,
    spec: {
      selector: labels,
      ports: [{ name: 'https', port: input.servicePort, targetPort: 'https', protocol: 'TCP' }],
    },
  });
  objects.push(mutatingWebhookConfiguration(input, labels));
  return objects;
}

function deployment(input: WebhookManifestInput, metadata: object, labels: Record<string, string>): any {
  const probe = (periodSeconds: number) => ({ httpGet: { path: '/healthz', port: 'https', scheme: 'HTTPS' }, periodSeconds });
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata,
    spec: {
      replicas: input.replicas,
      selector: { matchLabels: labels },
      template: {
        // The skip label keeps the webhook from being asked about its own Pods: with failurePolicy Fail, a webhook
        // with no Pod running could otherwise never start one.
        metadata: { labels: { ...labels, [SKIP_WEBHOOK_LABEL]: 'true' } },
        spec: {
          serviceAccountName: WEBHOOK_NAME,
          securityContext: { runAsNonRoot: true, runAsUser: NONROOT_UID, runAsGroup: NONROOT_UID, seccompProfile: { type: 'RuntimeDefault' } },
          // Replicas on different nodes, so one node's loss leaves the webhook answering.
          topologySpreadConstraints: [{
            maxSkew: 1,
            topologyKey: 'kubernetes.io/hostname',
            whenUnsatisfiable: 'ScheduleAnyway',
            labelSelector: { matchLabels: labels },
          }],
          containers: [{
            name: WEBHOOK_NAME,
            image: input.image,
            imagePullPolicy: 'IfNotPresent',
            command: webhookCommand(input),
            ports: [
              { name: 'https', containerPort: CONTAINER_PORT, protocol: 'TCP' },
              { name: 'metrics', containerPort: METRICS_PORT, protocol: 'TCP' },
            ],
            readinessProbe: probe(5),
            livenessProbe: probe(20),
            resources: input.resources,
            securityContext: {
              allowPrivilegeEscalation: false,
              readOnlyRootFilesystem: true,
              capabilities: { drop: ['ALL'] },
            },
            volumeMounts: [{ name: 'cert', mountPath: CERTIFICATE_DIRECTORY, readOnly: true }],
          }],
          volumes: [{ name: 'cert', secret: { secretName: input.certificateSecret } }],
        },
      },
    },
  };
}

/**
 * A self-signed certificate for the Service's names from a namespaced cert-manager Issuer, as upstream's
 * deployment-base.yaml makes it (there with a ClusterIssuer, which would be shared with the whole cluster, and a
 * commonName, which cert-manager limits to 64 bytes and the names in dnsNames make unneeded).
 */
function certManagerObjects(input: WebhookManifestInput, labels: Record<string, string>): any[] {
  const namespace = input.namespace;
  const issuer = `${WEBHOOK_NAME}-selfsigned`;
  const service = `${WEBHOOK_NAME}.${namespace}`;
  return [
    { apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: { name: issuer, namespace, labels }, spec: { selfSigned: {} } },
    {
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: WEBHOOK_NAME, namespace, labels },
      spec: {
        secretName: input.certificateSecret,
        dnsNames: [WEBHOOK_NAME, service, `${service}.svc`, `${service}.svc.cluster.local`],
        isCA: true,
        duration: '2160h',
        renewBefore: '360h',
        issuerRef: { name: issuer, kind: 'Issuer' },
      },
    },
  ];
}

function mutatingWebhookConfiguration(input: WebhookManifestInput, labels: Record<string, string>): any {
  const skip = { key: SKIP_WEBHOOK_LABEL, operator: 'DoesNotExist' };
  const objectSelector = {
    ...(input.objectSelector?.matchLabels ? { matchLabels: input.objectSelector.matchLabels } : {}),
    matchExpressions: [...(input.objectSelector?.matchExpressions ?? []), skip],
  };
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: {
      name: WEBHOOK_NAME,
      labels,
      ...(input.injectCaFrom ? { annotations: { 'cert-manager.io/inject-ca-from': input.injectCaFrom } } : {}),
    },
    webhooks: [{
      name: MUTATING_WEBHOOK_NAME,
      clientConfig: {
        service: { name: WEBHOOK_NAME, namespace: input.namespace, path: '/mutate', port: input.servicePort },
        ...(input.caBundle ? { caBundle: Buffer.from(input.caBundle).toString('base64') } : {}),
      },
      rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
      failurePolicy: input.failurePolicy,
      ...(input.namespaceSelector ? { namespaceSelector: input.namespaceSelector } : {}),
      objectSelector,
      sideEffects: 'None',
      // v1beta1 only, as upstream: v0.6.17 answers a v1 review without apiVersion and kind, which the API server
      // refuses (the lab proves it). No reinvocationPolicy, as upstream: the API server's default, Never.
      admissionReviewVersions: ['v1beta1'],
      ...(input.timeoutSeconds !== undefined ? { timeoutSeconds: input.timeoutSeconds } : {}),
    }],
  };
}
