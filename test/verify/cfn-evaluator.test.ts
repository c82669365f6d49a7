import { CfnLookup, evaluateCfn, UnresolvedValueError } from '../../src/verify/cfn-evaluator';

const lookup: CfnLookup = {
  ref: name => ({ 'Issuer': 'https://oidc.example.com/id/X', 'AWS::Partition': 'aws' } as Record<string, string>)[name],
  getAtt: (id, attribute) => (id === 'Provider' && attribute === 'Arn' ? 'arn:aws:iam::1:oidc-provider/oidc.example.com/id/X' : undefined),
  importValue: name => (name === 'shared-provider' ? 'arn:aws:iam::1:oidc-provider/shared' : undefined),
};

describe('evaluateCfn', () => {
  test('evaluates the intrinsics of a token-issuer trust policy', () => {
    const issuer = { 'Fn::Select': [1, { 'Fn::Split': [':oidc-provider/', { 'Fn::GetAtt': ['Provider', 'Arn'] }] }] };
    const value = { 'Fn::Join': ['', ['{"', issuer, ':sub":"x","p":"', { Ref: 'AWS::Partition' }, '"}']] };
    expect(JSON.parse(evaluateCfn(value, lookup))).toEqual({ 'oidc.example.com/id/X:sub': 'x', 'p': 'aws' });
  });

  test('evaluates Fn::Sub, the short GetAtt form and Fn::ImportValue, inside plain objects and lists', () => {
    expect(evaluateCfn({
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
    [{ 'Fn::GetAtt': ['Cluster', 'OpenIdConnectIssuerUrl'] }, 'pass --attribute Cluster.OpenIdConnectIssuerUrl=<value>'],
    [{ 'Fn::ImportValue': 'nope' }, 'export nope is only known at deploy time: include the stack that exports it'],
  ])('names what is missing for %j', (value, message) => {
    expect(() => evaluateCfn(value, lookup)).toThrow(UnresolvedValueError);
    expect(() => evaluateCfn(value, lookup)).toThrow(message);
  });

  test('rejects what it cannot evaluate', () => {
    expect(() => evaluateCfn({ 'Fn::If': ['C', 'a', 'b'] }, lookup)).toThrow('the intrinsic function Fn::If is not supported here');
    expect(() => evaluateCfn({ 'Fn::Select': [3, ['a']] }, lookup)).toThrow('Fn::Select index 3 is out of range');
  });
});
