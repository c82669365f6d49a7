import { CfnParameter, Fn, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import { testStack } from '../support/app';
import { podIdentityStatement } from '../support/pod-identity-audit';
import { PROVIDER_ARN, audit, conditional, rulesOf, statement } from '../support/trust-audit';

describe('IRSA9: parts only known at deploy time', () => {
  test('IRSA9: flags conditions that are only known at deploy time', () => {
    // GIVEN
    const stack = testStack();
    const conditions = new CfnParameter(stack, 'Conditions').valueAsString;
    new iam.CfnRole(stack, 'Role', { assumeRolePolicyDocument: { Statement: [statement({ Condition: { StringEquals: conditions } })] } });

    // WHEN
    const reported = audit(stack);

    // THEN
    expect(reported).toEqual([{
      path: '/Stack/Role',
      level: 'error',
      message: '[IRSA9] Role \'Stack/Role\': StringEquals of Statement[0] is only known at deploy time ("${Conditions}"), so its ' +
        'sub and aud conditions cannot be checked. Write the conditions into the template (Stack.toJsonString renders token ' +
        'keys without a custom resource), or acknowledge IRSA9 after reviewing the deployed policy.',
    }]);
  });

  test('IRSA9: flags a whole Condition block that is only known at deploy time', () => {
    const stack = testStack();
    const conditions = new CfnParameter(stack, 'Conditions').valueAsString;
    new iam.CfnRole(stack, 'Role', { assumeRolePolicyDocument: { Statement: [statement({ Condition: conditions })] } });
    expect(rulesOf(audit(stack))).toEqual(['error IRSA9']);
  });

  test('IRSA9: flags a whole trust policy, or one statement, chosen at deploy time when it mentions web identities', () => {
    // GIVEN
    const stack = testStack();
    const open = { Version: '2012-10-17', Statement: [statement({ Condition: undefined })] };
    new iam.CfnRole(stack, 'Whole', { assumeRolePolicyDocument: conditional(open, { Version: '2012-10-17', Statement: [statement()] }) });
    new iam.CfnRole(stack, 'OneStatement', { assumeRolePolicyDocument: { Statement: [conditional(statement({ Condition: undefined }), statement())] } });
    new iam.CfnRole(stack, 'Unrelated', { assumeRolePolicyDocument: new CfnParameter(stack, 'Policy').valueAsString });

    // WHEN
    const reported = audit(stack);

    // THEN
    const fix = 'and mentions web identities, so its principal and its sub and aud conditions cannot be checked. Write the trust ' +
      'policy into the template, or acknowledge IRSA9 after reviewing the deployed policy.';
    expect(reported.map(r => [r.path, r.message])).toEqual([
      ['/Stack/Whole', `[IRSA9] Role 'Stack/Whole': the trust policy is only known at deploy time ("\${Fn::If}") ${fix}`],
      ['/Stack/OneStatement', `[IRSA9] Role 'Stack/OneStatement': Statement[0] is only known at deploy time ("\${Fn::If}") ${fix}`],
    ]);
  });

  test('IRSA9: flags EKS Pod Identity conditions that are only known at deploy time', () => {
    const stack = testStack();
    const conditions = new CfnParameter(stack, 'Conditions').valueAsString;
    new iam.CfnRole(stack, 'Role', { assumeRolePolicyDocument: { Statement: [podIdentityStatement({ Condition: { StringEquals: conditions } })] } });
    expect(audit(stack)).toEqual([{
      path: '/Stack/Role',
      level: 'error',
      message: '[IRSA9] Role \'Stack/Role\': StringEquals of Statement[0] is only known at deploy time ("${Conditions}"), so its EKS ' +
        'Pod Identity conditions cannot be checked. Write the conditions into the template, or acknowledge IRSA9 after reviewing the ' +
        'deployed policy.',
    }]);
  });

  test('IRSA9: flags condition keys whose issuer cannot be matched to the principal', () => {
    // GIVEN
    const stack = testStack();
    const issuer = new CfnParameter(stack, 'Issuer').valueAsString;
    new iam.CfnRole(stack, 'Role', {
      assumeRolePolicyDocument: Stack.of(stack).toJsonString({
        Statement: [statement({ Condition: { StringEquals: { [`${issuer}:sub`]: 'system:serviceaccount:ns:sa', [`${issuer}:aud`]: 'sts.amazonaws.com' } } })],
      }),
    });

    // WHEN
    const reported = audit(stack);

    // THEN
    expect(rulesOf(reported)).toEqual(['error IRSA9', 'error IRSA9']);
    expect(reported[0].message).toBe('[IRSA9] Role \'Stack/Role\': Statement[0] checks "${Issuer}:sub", and which issuer that key names cannot be ' +
      `matched to the principal "${PROVIDER_ARN}" at synth time, so the condition may not restrict its tokens. Derive the key from the ` +
      'principal\'s ARN (as IrsaCluster.openIdConnectProviderIssuer does), or acknowledge IRSA9 after reviewing the deployed policy.');
  });

  test('IRSA9 knows keys split from a cluster\'s issuer URL, and flags another cluster\'s', () => {
    // GIVEN
    const stack = testStack();
    const cluster = new eks.CfnCluster(stack, 'Cluster', { roleArn: 'arn:aws:iam::123456789012:role/eks', resourcesVpcConfig: { subnetIds: ['subnet-1'] } });
    const other = new eks.CfnCluster(stack, 'Other', { roleArn: 'arn:aws:iam::123456789012:role/eks', resourcesVpcConfig: { subnetIds: ['subnet-1'] } });
    const provider = new iam.CfnOIDCProvider(stack, 'Provider', { url: cluster.attrOpenIdConnectIssuerUrl, clientIdList: ['sts.amazonaws.com'] });
    const keysOf = (c: eks.CfnCluster) => {
      const issuer = Fn.select(1, Fn.split('https://', c.attrOpenIdConnectIssuerUrl));
      return { [`${issuer}:sub`]: 'system:serviceaccount:ns:sa', [`${issuer}:aud`]: 'sts.amazonaws.com' };
    };
    const roleWith = (id: string, keys: Record<string, string>) => new iam.CfnRole(stack, id, {
      assumeRolePolicyDocument: Stack.of(stack).toJsonString({
        Statement: [statement({ Principal: { Federated: provider.attrArn }, Condition: { StringEquals: keys } })],
      }),
    });
    roleWith('Own', keysOf(cluster));
    roleWith('Foreign', keysOf(other));

    // WHEN
    const reported = audit(stack);

    // THEN
    expect(reported.map(r => `${r.path} ${rulesOf([r])[0]}`)).toEqual(['/Stack/Foreign error IRSA9', '/Stack/Foreign error IRSA9']);
  });
});
