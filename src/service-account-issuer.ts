import * as fs from 'fs';
import * as path from 'path';
import { attachCustomSynthesis, CfnOutput, Stack, Token } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct, IDependable } from 'constructs';
import { apiServerFlagsOf, commandLineOf, k3sConfigOf, kindConfigOf, kopsClusterSpecOf, kubeadmConfigurationOf } from './private/api-server-flags';
import { fail } from './private/construct-error';
import { createIssuerApi } from './private/issuer-api';
import { discoveryDocumentOf, JWKS_PATH, jwksOf } from './private/issuer-documents';
import { publishedKeysOf } from './private/service-account-keys';
import { validateIssuerUrl } from './private/validate-iam';

const KIND = 'ServiceAccountIssuer';
/** Where kubeadm keeps the ServiceAccount key pair (and where the flags point unless told otherwise). */
const KUBEADM_PUBLIC_KEY_FILE = '/etc/kubernetes/pki/sa.pub';
const KUBEADM_SIGNING_KEY_FILE = '/etc/kubernetes/pki/sa.key';
/** Where k3s keeps them: it verifies with service.key and signs with service.current.key. */
const K3S_KEY_FILE = '/var/lib/rancher/k3s/server/tls/service.key';
const K3S_SIGNING_KEY_FILE = '/var/lib/rancher/k3s/server/tls/service.current.key';
/** A DNS name: labels of letters, digits and hyphens, at least two, lower case (IAM compares issuers byte for byte). */
const DOMAIN_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * A custom domain the issuer is served at: the issuer URL is then `https://<domainName>`, which outlives the API.
 */
export interface ServiceAccountIssuerDomain {
  /** The host name, such as `oidc.example.com`, in lower case. */
  readonly domainName: string;

  /** A certificate for `domainName`, in ACM in the stack's region. */
  readonly certificate: acm.ICertificate;

  /**
   * A Route 53 zone to create the domain's alias record in.
   *
   * @default - none: point `domainName` at the API's regional domain name yourself
   */
  readonly hostedZone?: route53.IHostedZone;
}

/**
 * Properties of a ServiceAccountIssuer.
 */
export interface ServiceAccountIssuerProps {
  /**
   * The public keys that verify the cluster's ServiceAccount tokens, as PEM text: the public half of the API server's
   * `--service-account-signing-key-file` (`openssl pkey -in sa.key -pubout`). RSA keys of 2048 bits or more, or ECDSA
   * keys on P-256, P-384 or P-521; a `PUBLIC KEY` block (SPKI), an `RSA PUBLIC KEY` block, or a `CERTIFICATE`, whose
   * key is used as kube-apiserver uses it. Private keys are refused.
   *
   * Give several to rotate: the new key beside the old, until no token signed by the old one is in use.
   */
  readonly publicKeys: string[];

  /**
   * Serve the issuer at a custom domain.
   *
   * @default - the API's own `https://<api-id>.execute-api.<region>.amazonaws.com/issuer`, known at deploy time
   */
  readonly domain?: ServiceAccountIssuerDomain;

  /**
   * The issuer URL, when you serve the documents yourself (an S3 bucket, kops' discovery store): nothing is created
   * to serve them, and the cloud assembly has the two files to copy to `<issuerUrl>/.well-known/openid-configuration`
   * and `<issuerUrl>/openid/v1/jwks`. Copy them before the OIDC provider is deployed: IAM fetches them when it
   * creates it.
   *
   * @default - the issuer is served by an API Gateway REST API created here
   */
  readonly issuerUrl?: string;

  /**
   * Issuers the API server signed with before, whose tokens it keeps accepting during a move (each becomes a further
   * `--service-account-issuer`, after the one it signs with, and an API audience).
   *
   * A cluster that runs already has an issuer (kubeadm's and k3s' default is
   * `https://kubernetes.default.svc.cluster.local`): list it here, or the pods' current tokens stop authenticating to
   * the API server until they are renewed.
   *
   * @default - none
   */
  readonly formerIssuerUrls?: string[];

  /**
   * The `--service-account-key-file` paths on the control plane's hosts: every public key whose tokens the API server
   * accepts.
   *
   * @default ['/etc/kubernetes/pki/sa.pub'] (kubeadm's)
   */
  readonly apiServerKeyFiles?: string[];

  /**
   * The `--service-account-signing-key-file` path on the control plane's hosts: the private key it signs with.
   *
   * @default '/etc/kubernetes/pki/sa.key' (kubeadm's)
   */
  readonly apiServerSigningKeyFile?: string;
}

/**
 * Publishes the ServiceAccount token issuer of a cluster you run yourself (kubeadm, k3s, …), so that IAM
 * can trust it: its OIDC discovery document and JWKS, served over HTTPS by an API Gateway REST API with mock
 * integrations (no Lambda function, no custom resource), and written into the cloud assembly as files. Each key's ID
 * is the one kube-apiserver puts in its tokens.
 *
 * Pass it to `IrsaCluster` as `issuer`, and start the API server with `apiServerFlags`.
 *
 * @example
 * declare const saPub: string; // the public key: fs.readFileSync('sa.pub', 'utf8')
 * const issuer = new ServiceAccountIssuer(this, 'Issuer', { publicKeys: [saPub] });
 * const irsa = new IrsaCluster(this, 'Irsa', { issuer });
 */
export class ServiceAccountIssuer extends Construct {
  /** The issuer URL: the API server's `--service-account-issuer`, and the `iss` of its tokens (a token unless `domain` or `issuerUrl` is set). */
  public readonly issuerUrl: string;

  /** Where the JWKS is served: `<issuerUrl>/openid/v1/jwks`. */
  public readonly jwksUri: string;

  /** The discovery document, as served (JSON). */
  public readonly discoveryDocument: string;

  /** The JWKS, as served (JSON). */
  public readonly jwks: string;

  /** The key IDs, in the order of `publicKeys`: each token's `kid` header names one. */
  public readonly keyIds: string[];

  /** The kube-apiserver flags that make it issue tokens for this issuer, as `--name=value` arguments. */
  public readonly apiServerFlags: string[];

  /** The file in the cloud assembly that holds the discovery document (written when the issuer URL is known at synthesis). */
  public readonly discoveryDocumentFileName: string;

  /** The file in the cloud assembly that holds the JWKS. */
  public readonly jwksFileName: string;

  /**
   * The file in the cloud assembly with the flags as a kubeadm `ClusterConfiguration` (v1beta4, `apiServer.extraArgs`),
   * written when the issuer URL is known at synthesis.
   */
  public readonly kubeadmConfigFileName: string;

  /**
   * The file in the cloud assembly with the flags as `kube-apiserver-arg` of a k3s server's config.yaml (when the issuer
   * URL is known), with k3s' key files unless `apiServerKeyFiles` and `apiServerSigningKeyFile` say otherwise.
   */
  public readonly k3sConfigFileName: string;

  /**
   * The file in the cloud assembly with the flags as a kind `Cluster` (when the issuer URL is known): the kubeadm
   * configuration as a patch, and the key files mounted into the control-plane node.
   */
  public readonly kindConfigFileName: string;

  /**
   * The file in the cloud assembly with the flags as the `spec.kubeAPIServer` fields of a kops `Cluster` (when the
   * issuer URL is known), without key files: kops signs with its own `service-account` key pair, whose public key is
   * the one to publish.
   */
  public readonly kopsClusterSpecFileName: string;

  /** The API that serves the documents, unless `issuerUrl` is given. */
  public readonly restApi?: apigateway.RestApi;

  /** What must exist before IAM can fetch the documents (an OIDC provider created beside it depends on it). */
  public readonly servingDependencies: IDependable[];

  constructor(scope: Construct, id: string, props: ServiceAccountIssuerProps) {
    super(scope, id);
    const keys = publishedKeysOf(this, KIND, props.publicKeys);
    if (props.issuerUrl !== undefined && props.domain) {
      fail(this, KIND, 'pass domain (to serve the issuer at your domain) or issuerUrl (to serve the documents yourself), not both.');
    }
    if (props.domain) validateDomainName(this, props.domain.domainName);
    if (props.issuerUrl !== undefined) validateServedIssuer(this, 'issuerUrl', props.issuerUrl);
    const formerIssuerUrls = props.formerIssuerUrls ?? [];
    formerIssuerUrls.forEach((url, i) => validateFormerIssuer(this, `formerIssuerUrls[${i}]`, url));
    validateKeyFiles(this, props.apiServerKeyFiles, props.apiServerSigningKeyFile, keys.length);

    const documentsFor = (issuerUrl: string) => ({
      discoveryDocument: discoveryDocumentOf(issuerUrl, `${issuerUrl}${JWKS_PATH}`, keys),
      jwks: jwksOf(keys),
    });
    let issuerUrl: string;
    if (props.issuerUrl !== undefined) {
      issuerUrl = props.issuerUrl;
      this.servingDependencies = [];
    } else {
      const api = createIssuerApi(this, props.domain, documentsFor);
      this.restApi = api.restApi;
      issuerUrl = api.issuerUrl;
      this.servingDependencies = api.serving;
    }
    if (!Token.isUnresolved(issuerUrl) && formerIssuerUrls.includes(issuerUrl)) {
      fail(this, KIND, `formerIssuerUrls has the issuer itself (${issuerUrl}). List only the issuers the API server signed with before.`);
    }
    const documents = documentsFor(issuerUrl);
    this.issuerUrl = issuerUrl;
    this.jwksUri = `${issuerUrl}${JWKS_PATH}`;
    this.discoveryDocument = documents.discoveryDocument;
    this.jwks = documents.jwks;
    this.keyIds = keys.map(key => key.kid);
    // The same flags with a distribution's own key files, unless the user named them.
    const flagsWithKeys = (keyFile: string, signingKeyFile: string) => apiServerFlagsOf({
      issuerUrl,
      formerIssuerUrls,
      jwksUri: this.jwksUri,
      keyFiles: props.apiServerKeyFiles ?? [keyFile],
      signingKeyFile: props.apiServerSigningKeyFile ?? signingKeyFile,
    });
    const flags = flagsWithKeys(KUBEADM_PUBLIC_KEY_FILE, KUBEADM_SIGNING_KEY_FILE);
    this.apiServerFlags = commandLineOf(flags);
    const k3sFlags = flagsWithKeys(K3S_KEY_FILE, K3S_SIGNING_KEY_FILE);

    new CfnOutput(this, 'IssuerUrl', { description: 'The ServiceAccount token issuer URL (--service-account-issuer)', value: issuerUrl });
    new CfnOutput(this, 'ApiServerFlags', {
      description: 'The kube-apiserver flags that make the cluster issue tokens for this issuer',
      value: this.apiServerFlags.join(' '),
    });

    const stack = Stack.of(this);
    const fileStem = `${stack.artifactId}.${this.node.path.slice(stack.node.path.length + 1).replace(/\//g, '.')}`;
    this.discoveryDocumentFileName = `${fileStem}.openid-configuration.json`;
    this.jwksFileName = `${fileStem}.jwks.json`;
    this.kubeadmConfigFileName = `${fileStem}.kubeadm.yaml`;
    this.k3sConfigFileName = `${fileStem}.k3s-config.yaml`;
    this.kindConfigFileName = `${fileStem}.kind-config.yaml`;
    this.kopsClusterSpecFileName = `${fileStem}.kops-cluster.yaml`;
    attachCustomSynthesis(this, {
      onSynthesize: session => {
        fs.writeFileSync(path.join(session.outdir, this.jwksFileName), this.jwks);
        // A document holding a deploy-time value cannot be a file; its URL is the IssuerUrl output once deployed.
        if (!Token.isUnresolved(this.discoveryDocument)) {
          fs.writeFileSync(path.join(session.outdir, this.discoveryDocumentFileName), this.discoveryDocument);
          fs.writeFileSync(path.join(session.outdir, this.kubeadmConfigFileName), kubeadmConfigurationOf(flags));
          fs.writeFileSync(path.join(session.outdir, this.k3sConfigFileName), k3sConfigOf(k3sFlags));
          fs.writeFileSync(path.join(session.outdir, this.kindConfigFileName), kindConfigOf(flags));
          fs.writeFileSync(path.join(session.outdir, this.kopsClusterSpecFileName), kopsClusterSpecOf(flags));
        }
      },
    });
  }
}

function validateDomainName(scope: Construct, domainName: string): void {
  if (Token.isUnresolved(domainName)) {
    fail(scope, KIND, 'domain.domainName must be a literal: it is the issuer URL, which the API server is configured with and every token carries.');
  }
  if (!DOMAIN_NAME.test(domainName)) {
    fail(scope, KIND, `domain.domainName ${JSON.stringify(domainName)} is not a host name in lower case (such as "oidc.example.com"): ` +
      'give the name alone, without "https://", a path or a port.');
  }
}

/** An issuer URL the API server is configured with: literal, in IAM's form, and safe in an API Gateway template. */
function validateServedIssuer(scope: Construct, prop: string, url: string): void {
  if (Token.isUnresolved(url)) {
    fail(scope, KIND, `${prop} must be a literal: the API server is configured with it, and every token carries it.`);
  }
  validateIssuerUrl(scope, KIND, url);
  if (/[$#,]/.test(url)) fail(scope, KIND, `${prop} ${JSON.stringify(url)} has a "$", "#" or ","; use a URL without them.`);
}

/** An issuer the API server signed with before: IAM never sees it, but it is a flag value and one of a list of audiences. */
function validateFormerIssuer(scope: Construct, prop: string, url: string): void {
  if (Token.isUnresolved(url)) fail(scope, KIND, `${prop} must be a literal: it is a flag of the API server.`);
  if (url === '' || /[\s,]/.test(url)) {
    fail(scope, KIND, `${prop} ${JSON.stringify(url)} must be the former --service-account-issuer exactly, without white space or ",".`);
  }
}

function validateKeyFiles(scope: Construct, keyFiles: string[] | undefined, signingKeyFile: string | undefined, keyCount: number): void {
  if (signingKeyFile !== undefined && signingKeyFile.trim() === '') {
    fail(scope, KIND, `apiServerSigningKeyFile is empty. Give the path of the private key the API server signs with, or leave it out for kubeadm's ${KUBEADM_SIGNING_KEY_FILE}.`);
  }
  if (keyFiles === undefined) return;
  if (keyFiles.length === 0) {
    fail(scope, KIND, `apiServerKeyFiles is empty; the API server needs at least one --service-account-key-file. Leave it out for kubeadm's ${KUBEADM_PUBLIC_KEY_FILE}.`);
  }
  if (keyFiles.length > keyCount) {
    fail(scope, KIND, `apiServerKeyFiles has more files (${keyFiles.length}) than publicKeys has keys (${keyCount}): tokens signed by a key ` +
      'the issuer does not publish are accepted by the API server and refused by STS. Publish every key the API server accepts.');
  }
}
