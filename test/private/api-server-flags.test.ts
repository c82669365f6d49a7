import { parse } from 'yaml';
import { apiServerFlagsOf, commandLineOf, k3sConfigOf, kindConfigOf, kopsClusterSpecOf, kubeadmConfigurationOf } from '../../src/private/api-server-flags';

const FLAGS = apiServerFlagsOf({
  issuerUrl: 'https://oidc.example.com',
  formerIssuerUrls: ['https://kubernetes.default.svc.cluster.local'],
  jwksUri: 'https://oidc.example.com/openid/v1/jwks',
  keyFiles: ['/etc/kubernetes/pki/sa.pub'],
  signingKeyFile: '/etc/kubernetes/pki/sa.key',
});

describe('apiServerFlagsOf', () => {
  test('signs with the new issuer, accepts the former one, and keeps STS out of the API server\'s audiences', () => {
    expect(commandLineOf(FLAGS)).toEqual([
      '--service-account-issuer=https://oidc.example.com',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      '--service-account-jwks-uri=https://oidc.example.com/openid/v1/jwks',
      '--api-audiences=https://oidc.example.com,https://kubernetes.default.svc.cluster.local',
      '--service-account-key-file=/etc/kubernetes/pki/sa.pub',
      '--service-account-signing-key-file=/etc/kubernetes/pki/sa.key',
    ]);
  });

  test('writes the same list as kubeadm extraArgs (a list, so a flag can repeat) and as k3s kube-apiserver-arg', () => {
    const kubeadm = parse(kubeadmConfigurationOf(FLAGS));
    const k3s = parse(k3sConfigOf(FLAGS));

    expect(kubeadm.apiVersion).toBe('kubeadm.k8s.io/v1beta4');
    expect(kubeadm.kind).toBe('ClusterConfiguration');
    expect(kubeadm.apiServer.extraArgs.map((a: any) => `--${a.name}=${a.value}`)).toEqual(commandLineOf(FLAGS));
    expect(k3s['kube-apiserver-arg'].map((a: string) => `--${a}`)).toEqual(commandLineOf(FLAGS));
  });

  test('writes it as a kind Cluster: the kubeadm configuration as a patch, and the key files mounted where the flags name them', () => {
    const kind = parse(kindConfigOf(FLAGS));

    expect(kind).toMatchObject({ apiVersion: 'kind.x-k8s.io/v1alpha4', kind: 'Cluster' });
    expect(kind.nodes).toEqual([{
      role: 'control-plane',
      extraMounts: [
        { hostPath: 'sa.pub', containerPath: '/etc/kubernetes/pki/sa.pub', readOnly: true },
        { hostPath: 'sa.key', containerPath: '/etc/kubernetes/pki/sa.key', readOnly: true },
      ],
    }]);
    expect(kind.kubeadmConfigPatches).toHaveLength(1);
    expect(parse(kind.kubeadmConfigPatches[0])).toEqual(parse(kubeadmConfigurationOf(FLAGS)));
  });

  test('writes it as a kops Cluster spec: the issuers, the JWKS URI and the audiences, and no key files (kops signs with its own)', () => {
    expect(parse(kopsClusterSpecOf(FLAGS))).toEqual({
      spec: {
        kubeAPIServer: {
          serviceAccountIssuer: 'https://oidc.example.com',
          additionalServiceAccountIssuers: ['https://kubernetes.default.svc.cluster.local'],
          serviceAccountJWKSURI: 'https://oidc.example.com/openid/v1/jwks',
          apiAudiences: ['https://oidc.example.com', 'https://kubernetes.default.svc.cluster.local'],
        },
      },
    });
    // Without a move, no additional issuer.
    expect(parse(kopsClusterSpecOf(apiServerFlagsOf({
      issuerUrl: 'https://oidc.example.com', formerIssuerUrls: [], jwksUri: 'https://oidc.example.com/openid/v1/jwks', keyFiles: ['/k'], signingKeyFile: '/s',
    }))).spec.kubeAPIServer.additionalServiceAccountIssuers).toBeUndefined();
  });
});
