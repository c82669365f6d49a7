import { KubeApiError } from './kube-client';
import { KubeLab } from './kube-lab';
import { createPod } from './pod-identity';

const LABEL = 'lab.cdk-irsa.io/admission-review';
const REGISTRATION_SETTLE_MS = 15_000;

/**
 * Registers the lab's webhook a second time, for admission.k8s.io/v1 reviews only and with failurePolicy Fail (so the
 * error shows instead of being ignored), for Pods labelled for it; creates such Pods of `serviceAccount` until the API
 * server uses the registration; and returns what it answered. The registration is removed again.
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
    // The API server picks a new registration up from its informer, a moment after the create returns: until the
    // first Pod is refused, each one created is deleted and the next tried, for at most REGISTRATION_SETTLE_MS.
    const deadline = Date.now() + REGISTRATION_SETTLE_MS;
    for (let attempt = 0; ; attempt++) {
      const podName = `admission-v1-${attempt}`;
      try {
        await createPod(lab, {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: podName, namespace, labels: { [LABEL]: 'v1' } },
          spec: { serviceAccountName: serviceAccount, containers: [{ name: 'app', image: 'public.ecr.aws/aws-cli/aws-cli:2.22.0' }] },
        });
      } catch (e) {
        if (!(e instanceof KubeApiError)) throw e;
        return e.message;
      }
      await lab.delete(`/api/v1/namespaces/${namespace}/pods/${podName}`);
      if (Date.now() > deadline) return `created (${attempt + 1} Pods in ${REGISTRATION_SETTLE_MS} ms)`;
      await new Promise(resolve => setTimeout(resolve, 200));
    }
  } finally {
    await lab.delete(`${configurations}/${name}`);
  }
}
