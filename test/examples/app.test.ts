import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { buildExampleApp } from '../../examples/app';
import { testApp } from '../support/app';

describe('example app', () => {
  test('synthesizes a template and a manifest whose role ARNs name the template\'s roles, with Pod Identity associations', () => {
    // GIVEN
    const app = buildExampleApp(testApp());

    // WHEN
    const assembly = app.synth();

    // THEN
    const template = assembly.getStackByName('IrsaExample').template;
    const roleNames = Object.values<any>(template.Resources)
      .filter(r => r.Type === 'AWS::IAM::Role')
      .map(r => r.Properties.RoleName);
    const manifests = YAML.parseAllDocuments(fs.readFileSync(path.join(assembly.directory, 'IrsaExample.workloads.k8s.yaml'), 'utf8'))
      .map(d => d.toJSON());
    const byName = (name: string) => manifests.find(m => m.metadata.name === name)!;
    const [canDoStuff, reports, migrating] = ['can-do-stuff-on-aws', 'reports', 'migrating'].map(byName);
    // The ServiceAccounts come first, so the webhook sees them before any pod that uses them.
    expect(manifests.map(m => m.kind)).toEqual(['ServiceAccount', 'ServiceAccount', 'ServiceAccount', 'Deployment']);
    const deployment = manifests[3];
    expect(canDoStuff.metadata).toEqual({
      name: 'can-do-stuff-on-aws',
      namespace: 'testing',
      annotations: { 'eks.amazonaws.com/role-arn': `arn:aws:iam::123456789012:role/${roleNames[0]}` },
    });
    // EKS Pod Identity needs no annotation; the migrating ServiceAccount keeps IRSA's until it has moved.
    expect(reports.metadata).toEqual({ name: 'reports', namespace: 'testing' });
    expect(migrating.metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': `arn:aws:iam::123456789012:role/${roleNames[2]}` });
    const associations = Object.values<any>(template.Resources).filter(r => r.Type === 'AWS::EKS::PodIdentityAssociation').map(r => r.Properties);
    expect(associations.map(a => `${a.ClusterName}/${a.Namespace}/${a.ServiceAccount}`)).toEqual(['example/testing/reports', 'example/testing/migrating']);
    expect(deployment.kind).toBe('Deployment');
    expect(deployment.metadata.namespace).toBe('testing');
    expect(deployment.spec.template.spec.serviceAccountName).toBe('can-do-stuff-on-aws');
  });
});
