// Synthesizes, into the directory given as the only argument, a stack whose IrsaCluster issuer is a CfnParameter:
// its trust policy is then the string form (an Fn::Join over Stack.toJsonString), which cfn-lint must accept too.
import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IrsaCluster } from '../../src';

const [outdir] = process.argv.slice(2);
if (!outdir) {
  throw new Error('Usage: ts-node test/cfn-lint/token-issuer.ts <outdir>');
}
const app = new App({ outdir, context: { '@aws-cdk/core:validateAgainstDefaultRules': true } });
const stack = new Stack(app, 'IrsaTokenIssuer', { env: { account: '123456789012', region: 'eu-west-2' } });
const issuerUrl = new CfnParameter(stack, 'IssuerUrl', {
  type: 'String',
  description: 'The cluster\'s OIDC issuer, e.g. https://oidc.eks.eu-west-2.amazonaws.com/id/0524940DCDEE3C59B6B1ABEFCE8BB2A2',
}).valueAsString;
const irsa = new IrsaCluster(stack, 'Irsa', { issuerUrl });
const serviceAccount = irsa.addServiceAccount('Reader', { namespace: 'shop', name: 'orders' });
new s3.Bucket(stack, 'Data').grantRead(serviceAccount);

// Lint the form this file is for, not whatever the library renders today.
const template = app.synth().getStackByName(stack.stackName).template;
const trust = Object.values<any>(template.Resources).find(r => r.Type === 'AWS::IAM::Role').Properties.AssumeRolePolicyDocument;
if (!trust['Fn::Join']) {
  throw new Error(`Expected the string form of the trust policy (Fn::Join), got ${JSON.stringify(trust)}`);
}
