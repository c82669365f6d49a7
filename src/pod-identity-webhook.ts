import { X509Certificate } from 'crypto';
import { Duration, Token } from 'aws-cdk-lib';
import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct, IConstruct } from 'constructs';
import type { IIrsaCluster } from './irsa-cluster';
import { ChartPublication } from './private/chart-publication';
import { fail, failWithoutScope } from './private/construct-error';
import { SKIP_WEBHOOK_LABEL } from './private/service-account-annotations';
import { claimServiceAccount } from './private/service-account-owners';
import { claimMutatorOf } from './private/service-accounts-first';
import { validateLabelValue, validateMetadataKey, validateNamespace, validateTokenExpiration } from './private/validate-kubernetes';
import { WEBHOOK_IMAGE, WEBHOOK_NAME, webhookCommand, WebhookManifestInput, webhookManifests } from './private/webhook-manifests';

const KIND = 'PodIdentityWebhook';
const DEFAULT_NAMESPACE = 'pod-identity-webhook';
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const REGION = /^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/;
/** Namespaces Kubernetes makes itself: a webhook's file must not own them. */
const KUBERNETES_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
const SELECTOR_OPERATORS_WITH_VALUES = ['In', 'NotIn'];
/** An EKS issuer: its control plane runs the webhook already. */
const EKS_ISSUER = /^oidc\.eks\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/id\//;
const webhooksByCluster = new WeakMap<IConstruct, PodIdentityWebhook>();

/**
 * What the API server does with a Pod when the webhook cannot be reached.
 */
export enum WebhookFailurePolicy {
  /** Create the Pod unmutated: it starts without its role (upstream's choice, and the default). */
  IGNORE = 'Ignore',
  /**
   * Refuse the Pod: controllers retry, so Pods wait for the webhook instead of starting without their role. While no
   * webhook Pod answers, no Pod the selectors match can be created, in `kube-system` too (a new node's network Pods,
   * say, which the webhook's own Pods may need): narrow it with `namespaceSelector`. The webhook's own Pods are never
   * sent to it.
   */
  FAIL = 'Fail',
}

/**
 * Where the webhook's serving certificate comes from; the API server must trust it for the Service's name
 * (`pod-identity-webhook.<namespace>.svc`).
 *
 * @example
 * declare const caPem: string; // the CA that signed the certificate in the Secret "webhook-tls"
 * const certificate = WebhookCertificate.fromSecret('webhook-tls', caPem);
 */
export class WebhookCertificate {
  /**
   * A self-signed certificate from cert-manager (which must be installed in the cluster): a namespaced `Issuer` and a
   * `Certificate` as upstream's deploy files make them, renewed by cert-manager, and its CA injected into the webhook
   * configuration (`cert-manager.io/inject-ca-from`).
   */
  public static certManager(): WebhookCertificate {
    return new WebhookCertificate();
  }

  /**
   * A certificate you provide: a Secret of type `kubernetes.io/tls` in the webhook's namespace (made by you, not by
   * cdk-irsa: a private key must not be in the cloud assembly), and the PEM certificate of the CA that signed it, which
   * goes into the webhook configuration's `caBundle`.
   */
  public static fromSecret(secretName: string, caCertificatePem: string): WebhookCertificate {
    if (Token.isUnresolved(secretName) || Token.isUnresolved(caCertificatePem)) {
      failWithoutScope(`${KIND}: WebhookCertificate.fromSecret takes a literal Secret name and CA certificate: both are written into the manifest at synth time.`);
    }
    if (!DNS_SUBDOMAIN.test(secretName)) {
      failWithoutScope(`${KIND}: WebhookCertificate.fromSecret: "${secretName}" is not a Secret name. Use lower-case letters, digits, '-' and '.' (at most 253).`);
    }
    if (/PRIVATE KEY/.test(caCertificatePem)) {
      failWithoutScope(`${KIND}: WebhookCertificate.fromSecret: the CA certificate holds a private key. Pass the CA's certificate only ` +
        '(a CERTIFICATE block); the key belongs in the Secret, which you create in the cluster.');
    }
    const blocks = caCertificatePem.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
    if (blocks.length === 0) {
      failWithoutScope(`${KIND}: WebhookCertificate.fromSecret: the CA certificate is not a PEM CERTIFICATE block. Pass the PEM text of the CA that signed the Secret's certificate.`);
    }
    for (const block of blocks) {
      try {
        new X509Certificate(block);
      } catch (e) {
        failWithoutScope(`${KIND}: WebhookCertificate.fromSecret: a CERTIFICATE block of the CA certificate does not parse (${(e as Error).message}).`);
      }
    }
    return new WebhookCertificate({ secretName, caBundle: blocks.join('\n') + '\n' });
  }

  private constructor(private readonly given?: { secretName: string; caBundle: string }) {}

  /** @internal */
  public _bind(namespace: string): Pick<WebhookManifestInput, 'certificateSecret' | 'caBundle' | 'injectCaFrom'> {
    return this.given
      ? { certificateSecret: this.given.secretName, caBundle: this.given.caBundle }
      : { certificateSecret: `${WEBHOOK_NAME}-cert`, injectCaFrom: `${namespace}/${WEBHOOK_NAME}` };
  }
}

/**
 * Properties of a PodIdentityWebhook.
 */
export interface PodIdentityWebhookProps {
  /**
   * The cluster you run yourself whose Pods get their roles through the webhook. Not an EKS cluster: EKS runs the
   * webhook in its control plane.
   */
  readonly cluster: IIrsaCluster;

  /**
   * Where the serving certificate comes from.
   */
  readonly certificate: WebhookCertificate;

  /**
   * The cdk8s chart to add the webhook's objects to; they come before the chart's ServiceAccounts.
   *
   * @default - the default chart of the cluster in this stack, beside its IrsaServiceAccounts
   */
  readonly chart?: cdk8s.Chart;

  /**
   * The namespace of the webhook's objects (a chart's own namespace is not used: the webhook is not a workload of it).
   *
   * @default 'pod-identity-webhook'
   */
  readonly namespace?: string;

  /**
   * Whether to create the namespace. Set it to `false` for a namespace that exists; Kubernetes' own namespaces
   * (`kube-system`, ...) are never created.
   *
   * @default - true, but for Kubernetes' own namespaces
   */
  readonly createNamespace?: boolean;

  /**
   * The container image.
   *
   * @default 'public.ecr.aws/eks/amazon-eks-pod-identity-webhook:v0.6.17'
   */
  readonly image?: string;

  /**
   * How many webhook Pods run. With two or more, a PodDisruptionBudget keeps all but one through a node drain.
   *
   * @default 2
   */
  readonly replicas?: number;

  /**
   * The container's CPU and memory requests and limits.
   *
   * @default - requests 50m CPU and 64Mi memory, limit 256Mi memory
   */
  readonly resources?: kplus.ContainerResources;

  /**
   * What the API server does with a Pod when the webhook cannot be reached.
   *
   * @default WebhookFailurePolicy.IGNORE
   */
  readonly failurePolicy?: WebhookFailurePolicy;

  /**
   * Only Pods in namespaces these labels select are sent to the webhook.
   *
   * @default - every namespace
   */
  readonly namespaceSelector?: kplus.LabelSelector;

  /**
   * Only Pods these labels select are sent to the webhook. Pods labelled `eks.amazonaws.com/skip-pod-identity-webhook`
   * never are, as upstream has it.
   *
   * @default - every Pod without the skip label
   */
  readonly objectSelector?: kplus.LabelSelector;

  /**
   * How long the API server waits for the webhook, 1 to 30 seconds.
   *
   * @default - the API server's default, 10 seconds
   */
  readonly timeout?: Duration;

  /**
   * The Service's port, which the webhook configuration names.
   *
   * @default 443
   */
  readonly servicePort?: number;

  /**
   * The region the webhook writes into mutated containers as `AWS_REGION` and `AWS_DEFAULT_REGION`
   * (`--aws-default-region`).
   *
   * @default - none: SDKs find the region themselves (off EC2, set it)
   */
  readonly awsDefaultRegion?: string;

  /**
   * Whether the webhook sets `AWS_STS_REGIONAL_ENDPOINTS=regional` in every mutated container
   * (`--sts-regional-endpoint`); a ServiceAccount's `stsRegionalEndpoints` option overrides it.
   *
   * @default - the webhook's default, false
   */
  readonly stsRegionalEndpoint?: boolean;

  /**
   * The lifetime of the tokens it mounts (`--token-expiration`); a ServiceAccount's `tokenExpiration` overrides it.
   *
   * @default - the webhook's default, 24 hours
   */
  readonly tokenExpiration?: Duration;
}

/**
 * The Amazon EKS pod identity webhook, for a Kubernetes cluster you run yourself (kubeadm, k3s, kops, ...): the
 * admission webhook that gives the Pods of an annotated ServiceAccount `AWS_ROLE_ARN`, `AWS_WEB_IDENTITY_TOKEN_FILE`
 * and the projected token, without which the `eks.amazonaws.com/role-arn` annotation does nothing.
 *
 * A namespace, its ServiceAccount and read access to ServiceAccounts, a Deployment of the upstream image (non-root,
 * read-only root file system, no capabilities), a PodDisruptionBudget, the Service and the
 * `MutatingWebhookConfiguration`, in the cluster's chart before its ServiceAccounts. It reads the annotation prefix
 * cdk-irsa writes (`eks.amazonaws.com`) and defaults tokens to the audience cdk-irsa leaves unannotated
 * (`sts.amazonaws.com`), so the two cannot disagree.
 *
 * @example
 * declare const issuer: ServiceAccountIssuer;
 * const irsa = new IrsaCluster(this, 'Irsa', { issuer });
 * new PodIdentityWebhook(this, 'Webhook', { cluster: irsa, certificate: WebhookCertificate.certManager() });
 */
export class PodIdentityWebhook extends Construct {
  /** The cdk8s chart holding the webhook's objects. */
  public readonly chart: cdk8s.Chart;

  /** The namespace of the webhook's objects. */
  public readonly namespace: string;

  /** The container's command line. */
  public readonly command: string[];

  constructor(scope: Construct, id: string, props: PodIdentityWebhookProps) {
    super(scope, id);
    const cluster = props.cluster;
    refuseEksCluster(this, cluster);
    const twin = webhooksByCluster.get(cluster);
    if (twin) {
      fail(this, KIND, `cluster '${cluster.node.path}' has a pod identity webhook already ('${twin.node.path}'). ` +
        'A cluster runs one: two would both mutate every Pod.');
    }

    const namespace = props.namespace ?? DEFAULT_NAMESPACE;
    validateNamespace(this, KIND, namespace);
    const kubernetesOwn = KUBERNETES_NAMESPACES.includes(namespace);
    if (kubernetesOwn && props.createNamespace === true) {
      fail(this, KIND, `createNamespace is true, but namespace "${namespace}" is Kubernetes' own: a file that created it would delete it ` +
        'when deleted. Leave createNamespace out.');
    }
    const input: WebhookManifestInput = {
      namespace,
      createNamespace: props.createNamespace ?? !kubernetesOwn,
      image: validImage(this, props.image ?? WEBHOOK_IMAGE),
      replicas: validReplicas(this, props.replicas ?? 2),
      resources: resourcesOf(props.resources ?? {
        cpu: { request: kplus.Cpu.millis(50) },
        memory: { request: cdk8s.Size.mebibytes(64), limit: cdk8s.Size.mebibytes(256) },
      }),
      servicePort: validPort(this, props.servicePort ?? 443),
      failurePolicy: props.failurePolicy ?? WebhookFailurePolicy.IGNORE,
      namespaceSelector: props.namespaceSelector && validSelector(this, 'namespaceSelector', props.namespaceSelector),
      objectSelector: props.objectSelector && validSelector(this, 'objectSelector', props.objectSelector),
      timeoutSeconds: props.timeout && validTimeout(this, props.timeout),
      awsDefaultRegion: props.awsDefaultRegion !== undefined ? validRegion(this, props.awsDefaultRegion) : undefined,
      stsRegionalEndpoint: props.stsRegionalEndpoint,
      tokenExpirationSeconds: props.tokenExpiration && tokenSeconds(this, props.tokenExpiration),
      ...props.certificate._bind(namespace),
    };

    const publication = props.chart ? ChartPublication.of(this, props.chart) : ChartPublication.defaultFor(this, cluster);
    this.chart = publication.chart;
    this.namespace = namespace;
    this.command = webhookCommand(input);
    const objects = webhookManifests(input).map(manifest => {
      const object = new cdk8s.ApiObject(this.chart, `${WEBHOOK_NAME}-${manifest.kind.toLowerCase()}`, manifest);
      // cdk8s gives every object of a chart with a namespace that namespace, cluster-scoped ones too.
      if (this.chart.namespace !== undefined && manifest.metadata.namespace === undefined) {
        object.addJsonPatch(cdk8s.JsonPatch.remove('/metadata/namespace'));
      }
      return object;
    });
    claimMutatorOf(this.chart, objects, objects.find(o => o.kind === 'ServiceAccount')!);
    claimServiceAccount(this, KIND, cluster, namespace, WEBHOOK_NAME);
    webhooksByCluster.set(cluster, this);
  }
}

function refuseEksCluster(scope: IConstruct, cluster: IIrsaCluster): void {
  const eks = cluster.kubectlCluster ?? cluster.eksV2KubectlCluster;
  // Read the issuer last: a cluster on EKS Pod Identity alone (named) has none.
  const issuer = eks || cluster.clusterName !== undefined ? undefined : cluster.openIdConnectProviderIssuer;
  if (issuer === undefined || (!Token.isUnresolved(issuer) && EKS_ISSUER.test(issuer))) {
    fail(scope, KIND, `cluster '${cluster.node.path}' is an EKS cluster${issuer ? ` (issuer ${issuer})` : ''}, ` +
      'whose control plane runs the pod identity webhook already. Use PodIdentityWebhook only for clusters you run yourself.');
  }
}

function validImage(scope: IConstruct, image: string): string {
  if (Token.isUnresolved(image) || !/^\S+$/.test(image)) {
    fail(scope, KIND, `image "${image}" is not an image reference. Pass a literal one, such as ${WEBHOOK_IMAGE}.`);
  }
  return image;
}

function validReplicas(scope: IConstruct, replicas: number): number {
  if (Token.isUnresolved(replicas) || !Number.isInteger(replicas) || replicas < 1) {
    fail(scope, KIND, `replicas is ${replicas}; pass a whole number of at least 1 (2 or more keep it answering through a node drain).`);
  }
  return replicas;
}

function validPort(scope: IConstruct, port: number): number {
  if (Token.isUnresolved(port) || !Number.isInteger(port) || port < 1 || port > 65535) {
    fail(scope, KIND, `servicePort is ${port}; pass a port number from 1 to 65535.`);
  }
  return port;
}

function validTimeout(scope: IConstruct, timeout: Duration): number {
  const seconds = timeout.toSeconds({ integral: false });
  if (Token.isUnresolved(seconds) || !Number.isInteger(seconds) || seconds < 1 || seconds > 30) {
    fail(scope, KIND, `timeout is ${timeout.toString()}; the API server takes a whole number of seconds from 1 to 30.`);
  }
  return seconds;
}

function validRegion(scope: IConstruct, region: string): string {
  if (Token.isUnresolved(region)) {
    fail(scope, KIND, 'awsDefaultRegion is only known at deploy time, and it is written into the manifest at synth time. ' +
      'Pass a literal region, or set env: { region } on the stack.');
  }
  if (!REGION.test(region)) {
    fail(scope, KIND, `awsDefaultRegion "${region}" is not a region name. Pass a literal one, such as eu-west-1.`);
  }
  return region;
}

interface KubeLabelSelector {
  readonly matchLabels?: Record<string, string>;
  readonly matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

/** A selector as the API takes it, its keys and values checked as Kubernetes checks them. */
function validSelector(scope: IConstruct, option: string, selector: kplus.LabelSelector): WebhookManifestInput['objectSelector'] {
  // cdk8s-plus' own conversion, which its workloads use too.
  const kube = selector._toKube() as KubeLabelSelector;
  for (const [key, value] of Object.entries(kube.matchLabels ?? {})) {
    validateMetadataKey(scope, KIND, `${option} label`, key);
    validateLabelValue(scope, KIND, key, value);
  }
  for (const { key, operator, values } of kube.matchExpressions ?? []) {
    validateMetadataKey(scope, KIND, `${option} label`, key);
    if (SELECTOR_OPERATORS_WITH_VALUES.includes(operator) && !values?.length) {
      fail(scope, KIND, `${option}: the ${operator} expression on "${key}" has no values, which the API server refuses. Give at least one.`);
    }
  }
  if (option === 'objectSelector' && (kube.matchLabels?.[SKIP_WEBHOOK_LABEL] !== undefined ||
    kube.matchExpressions?.some(e => e.key === SKIP_WEBHOOK_LABEL && e.operator !== 'DoesNotExist'))) {
    fail(scope, KIND, `objectSelector asks for the ${SKIP_WEBHOOK_LABEL} label, which the webhook always excludes: it would select no Pod. ` +
      'Select Pods by another label.');
  }
  return kube;
}

function tokenSeconds(scope: IConstruct, duration: Duration): number {
  validateTokenExpiration(scope, KIND, duration);
  return duration.toSeconds();
}

/** cdk8s-plus' resources as the Kubernetes quantities they stand for. */
function resourcesOf(resources: kplus.ContainerResources): WebhookManifestInput['resources'] {
  const requests: Record<string, string> = {};
  const limits: Record<string, string> = {};
  if (resources.cpu?.request) requests.cpu = resources.cpu.request.amount;
  if (resources.cpu?.limit) limits.cpu = resources.cpu.limit.amount;
  if (resources.memory?.request) requests.memory = `${resources.memory.request.toMebibytes()}Mi`;
  if (resources.memory?.limit) limits.memory = `${resources.memory.limit.toMebibytes()}Mi`;
  if (resources.ephemeralStorage?.request) requests['ephemeral-storage'] = `${resources.ephemeralStorage.request.toMebibytes()}Mi`;
  if (resources.ephemeralStorage?.limit) limits['ephemeral-storage'] = `${resources.ephemeralStorage.limit.toMebibytes()}Mi`;
  return {
    ...(Object.keys(requests).length ? { requests } : {}),
    ...(Object.keys(limits).length ? { limits } : {}),
  };
}
