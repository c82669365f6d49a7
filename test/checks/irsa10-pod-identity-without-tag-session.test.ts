import { podIdentityStatement } from '../support/pod-identity-audit';
import { audit, rulesOf, stackWithRole } from '../support/trust-audit';

describe('IRSA10: EKS Pod Identity without sts:TagSession', () => {
  test('IRSA10: flags sts:AssumeRole without sts:TagSession, naming the fix', () => {
    expect(audit(stackWithRole(podIdentityStatement({ Action: 'sts:AssumeRole' })))).toEqual([{
      path: '/Stack/Role',
      level: 'error',
      message: '[IRSA10] Role \'Stack/Role\': Statement[0] lets pods.eks.amazonaws.com call sts:AssumeRole, but no statement lets it call ' +
        'sts:TagSession. EKS Pod Identity assumes the role with session tags, which needs both, so every pod of its associations gets no ' +
        'credentials. Allow ["sts:AssumeRole", "sts:TagSession"] in the statement.',
    }]);
  });

  test('passes sts:TagSession in the same statement, in another one, or through a wildcard', () => {
    expect(audit(stackWithRole(podIdentityStatement()))).toEqual([]);
    expect(audit(stackWithRole(podIdentityStatement({ Action: 'sts:AssumeRole' }), podIdentityStatement({ Action: 'sts:TagSession' })))).toEqual([]);
    expect(rulesOf(audit(stackWithRole(podIdentityStatement({ Action: 'sts:*' }))))).toEqual([]);
  });
});
