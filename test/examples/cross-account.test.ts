import * as fs from 'fs';
import * as path from 'path';
import { synthesizeExample } from '../support/example-synth';

describe('examples/cross-account', () => {
  test('`cdk synth` there writes one template per account: the target role and the IRSA provider and role in the data account, Pod Identity alone in the cluster\'s', () => {
    // WHEN the app runs as the CDK CLI runs it there (its cdk.json)
    const { cdkJson, run, out } = synthesizeExample('cross-account');

    // THEN
    expect(cdkJson.app).toBe('npx ts-node --transpile-only app.ts');
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(0);
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    // The stacks' messages are in <stack>.metadata.json: each holds IrsaChecks' summary, with no findings.
    const audits = ['ShopData', 'ShopCluster'].map(stack => Object.values<any>(JSON.parse(fs.readFileSync(path.join(out, `${stack}.metadata.json`), 'utf8')))
      .flat().filter(m => String(m.data).startsWith('IrsaChecks:')).map(m => m.data));
    expect(audits).toEqual([['IrsaChecks: 2 roles, 0 findings'], ['IrsaChecks: 3 roles, 0 findings']]);
    expect(manifest.artifacts.ShopData.environment).toBe('aws://222222222222/eu-west-1');
    expect(manifest.artifacts.ShopCluster.environment).toBe('aws://111111111111/eu-west-1');
    const types = (stack: string) => Object.values<any>(JSON.parse(fs.readFileSync(path.join(out, `${stack}.template.json`), 'utf8')).Resources)
      .map(r => r.Type).filter(t => t !== 'AWS::CDK::Metadata').sort();
    expect(types('ShopData')).toEqual(['AWS::IAM::OIDCProvider', 'AWS::IAM::Policy', 'AWS::IAM::Policy', 'AWS::IAM::Role', 'AWS::IAM::Role', 'AWS::S3::Bucket']);
    expect(types('ShopCluster')).toEqual([
      'AWS::EKS::PodIdentityAssociation', 'AWS::EKS::PodIdentityAssociation', 'AWS::IAM::Policy', 'AWS::IAM::Policy', 'AWS::IAM::Policy',
      'AWS::IAM::Role', 'AWS::IAM::Role', 'AWS::IAM::Role', 'AWS::S3::Bucket',
    ]);
    // The ServiceAccount of the data account's IRSA role, for the cluster, names that role across accounts.
    expect(fs.readFileSync(path.join(out, 'ShopData.ShopIssuer.k8s.yaml'), 'utf8'))
      .toMatch(/eks\.amazonaws\.com\/role-arn: arn:aws:iam::222222222222:role\/ShopData-ShopIssuer-Reports-[0-9A-F]{8}\n\s+name: reports\n\s+namespace: shop/);
  });
});
