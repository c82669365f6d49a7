import { DeployedValues, evaluateAsDeployed, UnresolvedValueError } from '../../src/verify/deploy-time-values';

const lookup: DeployedValues = {
  ref: name => ({ 'Issuer': 'https://oidc.example.com/id/X', 'AWS::Partition': 'aws' } as Record<string, string>)[name],
  getAtt: (id, attribute) => (id === 'Provider' && attribute === 'Arn' ? 'arn:aws:iam::1:oidc-provider/oidc.example.com/id/X' : undefined),
  importValue: name => (name === 'shared-provider' ? 'arn:aws:iam::1:oidc-provider/shared' : undefined),
};

describe('evaluateAsDeployed', () => {
  test('evaluates the intrinsics of a token-issuer trust policy', () => {
    const issuer = { 'Fn::Select': [1, { 'Fn::Split': [':oidc-provider/', { 'Fn::GetAtt': ['Provider', 'Arn'] }] }] };
    const value = { 'Fn::Join': ['', ['{"', issuer, ':sub":"x","p":"', { Ref: 'AWS::Partition' }, '"}']] };
    expect(JSON.parse(evaluateAsDeployed(value, lookup))).toEqual({ 'oidc.example.com/id/X:sub': 'x', 'p': 'aws' });
  });

  test('evaluates Fn::Sub, the short GetAtt form and Fn::ImportValue, inside plain objects and lists', () => {
    expect(evaluateAsDeployed({
      a: [{ 'Fn::Sub': '${Issuer}/keys ${Provider.Arn} ${!Literal}' }],
      b: { 'Fn::Sub': ['${X}-${AWS::Partition}', { X: { Ref: 'Issuer' } }] },
      c: { 'Fn::GetAtt': 'Provider.Arn' },
      d: { 'Fn::ImportValue': 'shared-provider' },
    }, lookup)).toEqual({
      a: ['https://oidc.example.com/id/X/keys arn:aws:iam::1:oidc-provider/oidc.example.com/id/X ${Literal}'],
      b: 'https://oidc.example.com/id/X-aws',
      c: 'arn:aws:iam::1:oidc-provider/oidc.example.com/id/X',
      d: 'arn:aws:iam::1:oidc-provider/shared',
    });
  });

  test.each([
    [{ Ref: 'Missing' }, 'Ref Missing is only known at deploy time: pass --parameter Missing=<value>'],
    [{ 'Fn::GetAtt': ['Cluster', 'OpenIdConnectIssuerUrl'] }, 'Fn::GetAtt Cluster.OpenIdConnectIssuerUrl is only known at deploy time: pass --attribute Cluster.OpenIdConnectIssuerUrl=<value>'],
    [{ 'Fn::ImportValue': 'nope' }, 'export nope is only known at deploy time: include the stack that exports it'],
  ])('names what is missing for %j', (value, message) => {
    expect(() => evaluateAsDeployed(value, lookup)).toThrow(UnresolvedValueError);
    expect(() => evaluateAsDeployed(value, lookup)).toThrow(new Error(message));
  });

  test('rejects what it cannot evaluate', () => {
    expect(() => evaluateAsDeployed({ 'Fn::If': ['C', 'a', 'b'] }, lookup)).toThrow(new Error('the intrinsic function Fn::If is not supported here'));
    expect(() => evaluateAsDeployed({ 'Fn::Select': [3, ['a']] }, lookup)).toThrow(new Error('Fn::Select index 3 is out of range for ["a"]'));
    expect(() => evaluateAsDeployed({ 'Fn::Join': ['', 'not a list'] }, lookup)).toThrow(new Error('Fn::Join needs a delimiter and a list'));
  });

  test.each([
    ['a GetAtt without an attribute', { 'Fn::GetAtt': ['Role'] }, 'Fn::GetAtt ["Role"] is not [logicalId, attribute]'],
    ['a Join of something else than strings', { 'Fn::Join': ['', ['a', { b: 1 }]] }, 'Fn::Join joins strings only'],
    ['a Split without a delimiter', { 'Fn::Split': [1, 'a,b'] }, 'Fn::Split needs a delimiter and a string'],
    ['a Select of something else than a list', { 'Fn::Select': [0, 'a'] }, 'Fn::Select needs an index and a list'],
    ['a Sub without a template', { 'Fn::Sub': [1, {}] }, 'Fn::Sub needs a template string'],
  ])('rejects %s, saying what is wrong', (_, value, message) => {
    expect(() => evaluateAsDeployed(value, lookup)).toThrow(new Error(message));
  });
});
