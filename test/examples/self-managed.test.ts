import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { SELF_MANAGED_DOMAIN } from '../../examples/self-managed/app';
import { synthesizeExample } from '../support/example-synth';

const EXAMPLE = path.join(__dirname, '..', '..', 'examples', 'self-managed');
const STACK = 'SelfManagedCluster';

describe('examples/self-managed', () => {
  test('`cdk synth` there writes the template, both issuer documents for sa.pub, the API server\'s configuration for kubeadm, kind and kops, the webhook before the ServiceAccounts, and no private key', () => {
    // WHEN the app runs as the CDK CLI runs it there (its cdk.json)
    const { cdkJson, run, out } = synthesizeExample('self-managed');

    // THEN
    expect(cdkJson.app).toBe('npx ts-node --transpile-only app.ts');
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(0);
    const issuer = `https://${SELF_MANAGED_DOMAIN}`;
    const discovery = JSON.parse(fs.readFileSync(path.join(out, `${STACK}.Issuer.openid-configuration.json`), 'utf8'));
    expect(discovery).toMatchObject({ issuer, jwks_uri: `${issuer}/openid/v1/jwks`, id_token_signing_alg_values_supported: ['RS256'] });
    const spki = Buffer.from(fs.readFileSync(path.join(EXAMPLE, 'sa.pub'), 'utf8').replace(/-----[A-Z ]+-----|\s/g, ''), 'base64');
    const jwks = JSON.parse(fs.readFileSync(path.join(out, `${STACK}.Issuer.jwks.json`), 'utf8'));
    expect(jwks.keys.map((k: any) => k.kid)).toEqual([createHash('sha256').update(spki).digest('base64url')]);
    const kubeadm = YAML.parse(fs.readFileSync(path.join(out, `${STACK}.Issuer.kubeadm.yaml`), 'utf8'));
    expect(kubeadm.apiServer.extraArgs.filter((a: any) => a.name === 'service-account-issuer').map((a: any) => a.value))
      .toEqual([issuer, 'https://kubernetes.default.svc.cluster.local']);
    const kops = YAML.parse(fs.readFileSync(path.join(out, `${STACK}.Issuer.kops-cluster.yaml`), 'utf8'));
    expect(kops.spec.kubeAPIServer.additionalServiceAccountIssuers).toEqual(['https://kubernetes.default.svc.cluster.local']);
    const kind = YAML.parse(fs.readFileSync(path.join(out, `${STACK}.Issuer.kind-config.yaml`), 'utf8'));
    expect(YAML.parse(kind.kubeadmConfigPatches[0])).toEqual(kubeadm);
    const objects = YAML.parseAllDocuments(fs.readFileSync(path.join(out, `${STACK}.Irsa.k8s.yaml`), 'utf8')).map(d => d.toJSON());
    expect(objects.map(o => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`)).toEqual([
      'Namespace /pod-identity-webhook',
      'ServiceAccount pod-identity-webhook/pod-identity-webhook',
      'ClusterRole /pod-identity-webhook',
      'ClusterRoleBinding /pod-identity-webhook',
      'Issuer pod-identity-webhook/pod-identity-webhook-selfsigned',
      'Certificate pod-identity-webhook/pod-identity-webhook',
      'Deployment pod-identity-webhook/pod-identity-webhook',
      'PodDisruptionBudget pod-identity-webhook/pod-identity-webhook',
      'Service pod-identity-webhook/pod-identity-webhook',
      'MutatingWebhookConfiguration /pod-identity-webhook',
      'ServiceAccount shop/orders',
      'ServiceAccount shop/reports',
    ]);
    const container = objects.find(o => o.kind === 'Deployment').spec.template.spec.containers[0];
    expect(container.command).toContain('--aws-default-region=eu-west-2');
    const template = JSON.parse(fs.readFileSync(path.join(out, `${STACK}.template.json`), 'utf8'));
    const provider = Object.values<any>(template.Resources).find(r => r.Type === 'AWS::IAM::OIDCProvider');
    expect(provider.Properties.Url).toBe(issuer);
    for (const file of fs.readdirSync(out).filter(name => fs.statSync(path.join(out, name)).isFile())) {
      expect(fs.readFileSync(path.join(out, file), 'utf8')).not.toContain('PRIVATE KEY');
    }
  });
});
