import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { buildExampleApp } from '../../examples/app';
import { testApp } from '../support/app';

describe('example app', () => {
  test('synthesizes a template and a manifest whose role ARN names the template\'s role', () => {
    // GIVEN
    const app = buildExampleApp(testApp());

    // WHEN
    const assembly = app.synth();

    // THEN
    const template = assembly.getStackByName('IrsaExample').template;
    const [roleName] = Object.values<any>(template.Resources)
      .filter(r => r.Type === 'AWS::IAM::Role')
      .map(r => r.Properties.RoleName);
    const manifests = YAML.parseAllDocuments(fs.readFileSync(path.join(assembly.directory, 'IrsaExample.workloads.k8s.yaml'), 'utf8'))
      .map(d => d.toJSON());
    const [serviceAccount, deployment] = manifests;
    expect(serviceAccount.metadata).toEqual({
      name: 'can-do-stuff-on-aws',
      namespace: 'testing',
      annotations: { 'eks.amazonaws.com/role-arn': `arn:aws:iam::123456789012:role/${roleName}` },
    });
    expect(deployment.kind).toBe('Deployment');
    expect(deployment.metadata.namespace).toBe('testing');
    expect(deployment.spec.template.spec.serviceAccountName).toBe('can-do-stuff-on-aws');
  });
});
