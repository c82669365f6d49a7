/*
 * The kube-apiserver flags of a cluster whose ServiceAccount tokens IAM trusts, and the same list written the way
 * kubeadm, k3s, kind and kops take them. One list makes every form, so the forms cannot disagree.
 */

/** One kube-apiserver flag: its name without `--`, and its value. */
export interface ApiServerFlag {
  readonly name: string;
  readonly value: string;
}

/** What the flags are made from. */
export interface ApiServerFlagInput {
  /** The issuer the API server signs with: the first `--service-account-issuer`. */
  readonly issuerUrl: string;
  /** Issuers whose tokens the API server still accepts during a move, after the one it signs with. */
  readonly formerIssuerUrls: string[];
  readonly jwksUri: string;
  readonly keyFiles: string[];
  readonly signingKeyFile: string;
}

/** The flags, in the order docs/self-managed-clusters.md explains them. */
export function apiServerFlagsOf(input: ApiServerFlagInput): ApiServerFlag[] {
  const issuers = [input.issuerUrl, ...input.formerIssuerUrls];
  return [
    ...issuers.map(value => ({ name: 'service-account-issuer', value })),
    { name: 'service-account-jwks-uri', value: input.jwksUri },
    // The audiences the API server itself accepts: its issuers, which is its own default. Not sts.amazonaws.com, as
    // some guides set: a token minted for STS must not also be a credential for the Kubernetes API. The former
    // issuers stay, so that the pods' tokens of before the move keep working until they are renewed.
    { name: 'api-audiences', value: issuers.join(',') },
    ...input.keyFiles.map(value => ({ name: 'service-account-key-file', value })),
    { name: 'service-account-signing-key-file', value: input.signingKeyFile },
  ];
}

/** The flags as command-line arguments, `--name=value`. */
export function commandLineOf(flags: ApiServerFlag[]): string[] {
  return flags.map(flag => `--${flag.name}=${flag.value}`);
}

/** A kubeadm `ClusterConfiguration` (v1beta4, whose `extraArgs` is a list, so that a flag can repeat). */
export function kubeadmConfigurationOf(flags: ApiServerFlag[]): string {
  return [
    'apiVersion: kubeadm.k8s.io/v1beta4',
    'kind: ClusterConfiguration',
    'apiServer:',
    '  extraArgs:',
    ...flags.flatMap(flag => [`  - name: ${flag.name}`, `    value: ${quoted(flag.value)}`]),
    '',
  ].join('\n');
}

/** The `kube-apiserver-arg` entries of a k3s server's /etc/rancher/k3s/config.yaml. */
export function k3sConfigOf(flags: ApiServerFlag[]): string {
  return ['kube-apiserver-arg:', ...flags.map(flag => `  - ${quoted(`${flag.name}=${flag.value}`)}`), ''].join('\n');
}

/**
 * A kind `Cluster` (kind v0.32 or later, whose kubeadm configuration for Kubernetes 1.36 and later is v1beta4): the
 * kubeadm configuration as a patch, and the key files mounted into the control-plane node where the flags name them
 * (kubeadm uses a key pair it finds there instead of making one).
 */
export function kindConfigOf(flags: ApiServerFlag[]): string {
  const keyFiles = flags.filter(flag => flag.name === 'service-account-key-file' || flag.name === 'service-account-signing-key-file');
  return [
    'apiVersion: kind.x-k8s.io/v1alpha4',
    'kind: Cluster',
    'nodes:',
    '- role: control-plane',
    '  # hostPath: where each file is on the machine that runs kind',
    '  extraMounts:',
    ...[...new Set(keyFiles.map(flag => flag.value))].flatMap(file => [
      `  - hostPath: ${quoted(file.split('/').pop()!)}`,
      `    containerPath: ${quoted(file)}`,
      '    readOnly: true',
    ]),
    'kubeadmConfigPatches:',
    '- |',
    ...kubeadmConfigurationOf(flags).trimEnd().split('\n').map(line => `  ${line}`),
    '',
  ].join('\n');
}

/**
 * The `spec.kubeAPIServer` fields of a kops `Cluster` (kops 1.28.5 or later for `additionalServiceAccountIssuers`).
 * No key files: kops signs with its own `service-account` key pair and always adds its public key to
 * --service-account-key-file, so that is the key to publish.
 */
export function kopsClusterSpecOf(flags: ApiServerFlag[]): string {
  const values = (name: string) => flags.filter(flag => flag.name === name).map(flag => flag.value);
  const [issuer, ...additionalIssuers] = values('service-account-issuer');
  const list = (items: string[]) => items.map(item => `    - ${quoted(item)}`);
  return [
    'spec:',
    '  kubeAPIServer:',
    `    serviceAccountIssuer: ${quoted(issuer)}`,
    ...(additionalIssuers.length > 0 ? ['    additionalServiceAccountIssuers:', ...list(additionalIssuers)] : []),
    `    serviceAccountJWKSURI: ${quoted(values('service-account-jwks-uri')[0])}`,
    '    apiAudiences:',
    ...list(values('api-audiences')[0].split(',')),
    '',
  ].join('\n');
}

/** A YAML double-quoted scalar (JSON's string syntax is YAML's). */
function quoted(value: string): string {
  return JSON.stringify(value);
}
