import { evaluateIntrinsics, IntrinsicResolver, isIntrinsic, Unevaluated } from '../../src/private/cfn-intrinsics';

/** A resolver that knows `Ref Known` and `Fn::GetAtt Thing.Arn`, and records what it could not evaluate. */
function recordingResolver() {
  const unevaluated: Array<{ intrinsic: unknown; why: Unevaluated }> = [];
  const resolver: IntrinsicResolver = {
    ref: name => (name === 'Known' ? 'known' : undefined),
    getAtt: (id, attribute) => (id === 'Thing' && attribute === 'Arn' ? 'arn:thing' : undefined),
    importValue: name => (name === 'shared' ? 'imported' : undefined),
    unevaluated: (intrinsic, why) => {
      unevaluated.push({ intrinsic, why });
      return '<?>';
    },
    isKnown: value => !JSON.stringify(value).includes('<?>'),
  };
  return { resolver, unevaluated };
}

describe('evaluateIntrinsics', () => {
  test('evaluates known references and the functions of them, in objects and lists', () => {
    const { resolver, unevaluated } = recordingResolver();
    expect(evaluateIntrinsics({
      a: { 'Fn::Join': ['/', [{ Ref: 'Known' }, { 'Fn::GetAtt': 'Thing.Arn' }]] },
      b: [{ 'Fn::Select': [1, { 'Fn::Split': [':', 'x:y:z'] }] }],
      c: { 'Fn::Sub': ['${Known}-${V}-${!Literal}', { V: { 'Fn::ImportValue': 'shared' } }] },
    }, resolver)).toEqual({ a: 'known/arn:thing', b: ['y'], c: 'known-imported-${Literal}' });
    expect(unevaluated).toEqual([]);
  });

  test('asks the resolver what stands for each intrinsic it cannot evaluate, and why', () => {
    const { resolver, unevaluated } = recordingResolver();
    const split = { 'Fn::Split': ['/', { Ref: 'Unknown' }] };
    expect(evaluateIntrinsics({ 'Fn::Select': [0, split] }, resolver)).toBe('<?>');
    expect(evaluateIntrinsics({ 'Fn::If': ['C', 'a', 'b'] }, resolver)).toBe('<?>');
    expect(evaluateIntrinsics({ 'Fn::Select': [5, ['a']] }, resolver)).toBe('<?>');
    expect(unevaluated.map(u => u.why)).toEqual([
      { reason: 'ref', name: 'Unknown' },
      { reason: 'partly-known' },
      { reason: 'partly-known' },
      { reason: 'unsupported', functionName: 'Fn::If' },
      { reason: 'malformed', problem: 'Fn::Select index 5 is out of range for ["a"]' },
    ]);
    // The resolver gets the intrinsic as written, so equal intrinsics can be told apart from others.
    expect(unevaluated[1].intrinsic).toEqual(split);
  });

  test('knows an intrinsic by its single Ref or Fn:: key', () => {
    expect([isIntrinsic({ Ref: 'X' }), isIntrinsic({ 'Fn::Join': [] }), isIntrinsic({ Ref: 'X', Other: 1 }), isIntrinsic(['Ref'])]).toEqual([true, true, false, false]);
  });
});
