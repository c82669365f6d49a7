import { KubeApiError } from './kube-client';
import { KubeLab } from './kube-lab';
import { createPod } from './pod-identity';

const LABEL = 'lab.cdk-irsa.io/admission-review';

/**
 * Registers the lab's webhook a second time, for admission.k8s.io/v1 reviews only and with failurePolicy Fail (so the
 * error shows instead of being ignored), for Pods labelled for it; creates such a Pod of `serviceAccount`; and returns
 * what the API server answered. The registration is removed again.
 */
export async function createPodThroughAdmissionV1(lab: KubeLab, namespace: string, serviceAccount: string): Promise<string> {
  const configurations = '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations';
  const registered = (await lab.get(`${configurations}/pod-identity-webhook`)).webhooks[0];
  const name = 'pod-identity-webhook-admission-v1';
  await lab.create(configurations, {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name },
    webhooks: [{
      ...registered,
      name: 'admission-v1.pod-identity-webhook.amazonaws.com',
      admissionReviewVersions: ['v1'],
      failurePolicy: 'Fail',
      objectSelector: { matchLabels: { [LABEL]: 'v1' } },
    }],
  });
  try {
    await createPod(lab, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'admission-v1', namespace, labels: { [LABEL]: 'v1' } },
      spec: { serviceAccountName: serviceAccount, containers: [{ name: 'app', image: 'public.ecr.aws/aws-cli/aws-cli:2.22.0' }] },
    });
    return 'created';
  } catch (e) {
    if (!(e instanceof KubeApiError)) throw e;
    return e.message;
  } finally {
    await lab.delete(`${configurations}/${name}`);
  }
}
