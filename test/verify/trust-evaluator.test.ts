import { evaluateChainedTrust, evaluateTrust, WebIdentityCaller } from '../../src/verify/trust-evaluator';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const PBAC = require('pbac');

const ISSUER = 'oidc.eks.eu-west-2.amazonaws.com/id/ABC';
const PROVIDER = `arn:aws:iam::123456789012:oidc-provider/${ISSUER}`;
const OTHER_PROVIDER = 'arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-2.amazonaws.com/id/OTHER';
const caller: WebIdentityCaller = { providerArn: PROVIDER, issuer: ISSUER, sub: 'system:serviceaccount:testing:app', aud: 'sts.amazonaws.com' };

function statement(overrides: Record<string, unknown> = {}) {
  return {
    Effect: 'Allow',
    Action: 'sts:AssumeRoleWithWebIdentity',
    Principal: { Federated: PROVIDER },
    Condition: { StringEquals: { [`${ISSUER}:sub`]: 'system:serviceaccount:testing:app', [`${ISSUER}:aud`]: 'sts.amazonaws.com' } },
    ...overrides,
  };
}

describe('evaluateTrust', () => {
  test('allows the trusted ServiceAccount', () => {
    expect(evaluateTrust({ Statement: [statement()] }, caller)).toEqual({ allowed: true, statement: 0, deniedExplicitly: false, reasons: [] });
  });

  test('accepts a single statement object and lists of actions', () => {
    expect(evaluateTrust({ Statement: statement({ Action: ['sts:TagSession', 'sts:AssumeRoleWithWebIdentity'] }) }, caller).allowed).toBe(true);
    expect(evaluateTrust({ Statement: statement({ Action: 'sts:*' }) }, caller).allowed).toBe(true);
  });

  test('explains a subject mismatch', () => {
    const decision = evaluateTrust({ Statement: [statement()] }, { ...caller, sub: 'system:serviceaccount:prod:app' });
    expect(decision.allowed).toBe(false);
    expect(decision.reasons).toEqual([
      `statement 0: StringEquals ${ISSUER}:sub wants system:serviceaccount:testing:app, the token has system:serviceaccount:prod:app`,
    ]);
  });

  test('explains a provider mismatch', () => {
    const decision = evaluateTrust({ Statement: [statement({ Principal: { Federated: OTHER_PROVIDER } })] }, caller);
    expect(decision.reasons).toEqual([`statement 0: the principal is ${OTHER_PROVIDER}, but the token was vouched for by ${PROVIDER}`]);
  });

  test('ignores statements about other actions', () => {
    const decision = evaluateTrust({ Statement: [statement({ Action: 'sts:AssumeRole', Principal: { AWS: '*' } })] }, caller);
    expect(decision).toEqual({ allowed: false, deniedExplicitly: false, reasons: ['no statement allows sts:AssumeRoleWithWebIdentity'] });
  });

  test('lets an explicit Deny win', () => {
    const deny = statement({ Effect: 'Deny', Condition: { StringLike: { [`${ISSUER}:sub`]: 'system:serviceaccount:testing:*' } } });
    const decision = evaluateTrust({ Statement: [statement(), deny] }, caller);
    expect(decision).toMatchObject({ allowed: false, deniedExplicitly: true, statement: 1 });
  });

  test('treats Principal "*" as everyone, and NotPrincipal and NotAction as exclusions', () => {
    expect(evaluateTrust({ Statement: [statement({ Principal: '*' })] }, caller).allowed).toBe(true);
    expect(evaluateTrust({ Statement: [statement({ Principal: undefined, NotPrincipal: { Federated: PROVIDER } })] }, caller).allowed).toBe(false);
    expect(evaluateTrust({ Statement: [statement({ Action: undefined, NotAction: 'sts:AssumeRole' })] }, caller).allowed).toBe(true);
  });

  test('agrees with pbac on principal, action and condition matching', () => {
    const subjects = ['system:serviceaccount:testing:app', 'system:serviceaccount:prod:app'];
    const statements = [
      statement({ Condition: { StringEquals: { [`${ISSUER}:sub`]: 'system:serviceaccount:testing:app' } } }),
      statement({ Condition: { StringLike: { [`${ISSUER}:sub`]: 'system:serviceaccount:*:app' } } }),
      statement({ Principal: { Federated: OTHER_PROVIDER }, Condition: { StringEquals: { [`${ISSUER}:sub`]: 'system:serviceaccount:testing:app' } } }),
      statement({ Action: 'sts:AssumeRole', Condition: { StringEquals: { [`${ISSUER}:sub`]: 'system:serviceaccount:testing:app' } } }),
      statement({ Effect: 'Deny', Condition: { StringEquals: { [`${ISSUER}:sub`]: 'system:serviceaccount:prod:app' } } }),
    ];
    const policies = [[statements[0]], [statements[1]], [statements[2]], [statements[3]], [statements[1], statements[4]]];
    let compared = 0;
    for (const policy of policies) {
      for (const sub of subjects) {
        const pbac = new PBAC({
          Version: '2012-10-17',
          Statement: policy.map(s => ({ ...s, Action: [s.Action].flat(), Principal: { Federated: [s.Principal.Federated] } })),
        }, { validatePolicies: false });
        const expected = pbac.evaluate({
          action: 'sts:AssumeRoleWithWebIdentity',
          principal: { Federated: [PROVIDER] },
          context: { [ISSUER]: { sub } },
        });
        expect(evaluateTrust({ Statement: policy }, { ...caller, sub }).allowed).toBe(expected);
        compared++;
      }
    }
    expect(compared).toBe(10);
  });
});

describe('evaluateChainedTrust', () => {
  const ROLE = 'arn:aws:iam::111111111111:role/orders-pod-identity';
  const tags = { clusterArn: 'arn:aws:eks:eu-west-1:111111111111:cluster/shop', clusterName: 'shop', namespace: 'shop', serviceAccount: 'orders', podName: 'p', podUid: 'u' };
  const pinned = (principal: unknown, condition?: unknown) => ({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: principal, ...(condition ? { Condition: condition } : {}) },
      { Effect: 'Allow', Action: 'sts:TagSession', Principal: principal },
    ],
  });

  test('allows the association role with its transitive tags and ExternalId, as request and principal tags', () => {
    const condition = { StringEquals: { 'aws:RequestTag/kubernetes-service-account': 'orders', 'aws:PrincipalTag/kubernetes-namespace': 'shop', 'sts:ExternalId': 'x' } };
    expect(evaluateChainedTrust(pinned({ AWS: ROLE }, condition), { roleArn: ROLE, externalId: 'x', tags })).toMatchObject({ allowed: true, statement: 0 });
    expect(evaluateChainedTrust(pinned({ AWS: 'arn:aws:iam::111111111111:root' }), { roleArn: ROLE, tags }).allowed).toBe(true);
  });

  test('refuses another principal, another ExternalId, and a trust without sts:TagSession when tags are passed', () => {
    expect(evaluateChainedTrust(pinned({ AWS: 'arn:aws:iam::111111111111:role/other' }), { roleArn: ROLE, tags }).reasons)
      .toEqual([`statement 0: the principal is arn:aws:iam::111111111111:role/other, not ${ROLE}`]);
    expect(evaluateChainedTrust(pinned({ AWS: ROLE }, { StringEquals: { 'sts:ExternalId': 'x' } }), { roleArn: ROLE, externalId: 'forged', tags }).allowed).toBe(false);
    const onlyAssume = { Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: ROLE } }] };
    expect(evaluateChainedTrust(onlyAssume, { roleArn: ROLE, tags }).allowed).toBe(false);
    expect(evaluateChainedTrust(onlyAssume, { roleArn: ROLE }).allowed).toBe(true);
  });
});
