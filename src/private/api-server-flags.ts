/*
 * The kube-apiserver flags of a cluster whose ServiceAccount tokens IAM trusts, and the same list written the way
 * kubeadm and k3s take them. One list makes every form, so the forms cannot disagree.
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

/** The flags, in the order the README explains them. */
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

/** A YAML double-quoted scalar (JSON's string syntax is YAML's). */
function quoted(value: string): string {
  return JSON.stringify(value);
}
