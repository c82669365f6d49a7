import { KubeLab } from './kube-lab';

/**
 * The long-lived token many IRSA guides still show: a `kubernetes.io/service-account-token` Secret, which
 * kube-controller-manager's token controller fills in (signed with `--service-account-private-key-file`).
 */
export async function legacySecretToken(lab: KubeLab, namespace: string, serviceAccount: string): Promise<string> {
  const name = `${serviceAccount}-legacy-token`;
  await lab.create(`/api/v1/namespaces/${namespace}/secrets`, {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/service-account-token',
    metadata: { name, annotations: { 'kubernetes.io/service-account.name': serviceAccount } },
  });
  const token = await lab.waitFor(`/api/v1/namespaces/${namespace}/secrets/${name}`, secret => secret.data?.token,
    `the token controller to fill in Secret ${namespace}/${name}`);
  return Buffer.from(token, 'base64').toString('utf8');
}
