import { CfnParameter, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import fc from 'fast-check';
import { IIrsaCluster, IrsaChecks, IrsaCluster } from '../../src';
import { ACCOUNT, SEED_ISSUER, testStack } from '../support/app';
import { isNamespace, PROPERTY_RUNS, validName, validNamespace } from '../support/arbitraries';
import { globMatches, subjectOf } from '../support/web-identity';

const SUB = `${SEED_ISSUER}:sub`;
const AUD = `${SEED_ISSUER}:aud`;

/** The rule IDs IrsaChecks reports for the roles of `stack`, as `<level> <rule>`; without a synth, for speed. */
function findings(stack: Stack): string[] {
  const checks = new IrsaChecks();
  const nodes = stack.node.findAll();
  nodes.forEach(node => checks.visit(node));
  nodes.forEach(node => node.node.validate());
  return nodes.flatMap(node => node.node.metadata)
    .filter(m => m.type === 'aws:cdk:error' || m.type === 'aws:cdk:warning')
    .map(m => `${m.type.slice('aws:cdk:'.length)} ${/^\[(IRSA\d)\]/.exec(String(m.data))?.[1]}`);
}

function roleWithCondition(condition: Record<string, unknown>): Stack {
  const stack = testStack();
  new iam.CfnRole(stack, 'Role', {
    assumeRolePolicyDocument: {
      Statement: [{
        Effect: 'Allow',
        Action: 'sts:AssumeRoleWithWebIdentity',
        Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${SEED_ISSUER}` },
        Condition: condition,
      }],
    },
  });
  return stack;
}

describe('IrsaChecks properties', () => {
  test('every role IrsaServiceAccount creates passes every rule', () => {
    const issuer = fc.constantFrom('literal', 'token', 'imported');
    const account = fc.record({ cluster: fc.nat({ max: 1 }), namespace: validNamespace, name: fc.option(validName, { nil: undefined }) });
    const accounts = fc.array(account, { maxLength: 5 });
    fc.assert(fc.property(issuer, issuer, validNamespace, validName, accounts, (blueKind, greenKind, namespace, name, more) => {
      const stack = testStack();
      const cluster = (id: string, kind: string): IIrsaCluster => kind === 'imported'
        ? IrsaCluster.fromOidcProviderArn(stack, id, `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.example.com/id/${id}`)
        : new IrsaCluster(stack, id, { issuerUrl: kind === 'token' ? new CfnParameter(stack, `${id}Url`).valueAsString : `https://oidc.example.com/id/${id}` });
      const clusters = [cluster('Blue', blueKind), cluster('Green', greenKind)];
      const sa = clusters[0].addServiceAccount('Sa', { namespace, name });
      for (const a of more) {
        if (a.name === undefined) sa.trustAllServiceAccountsInNamespace(clusters[a.cluster], a.namespace);
        else sa.trust(clusters[a.cluster], { namespace: a.namespace, name: a.name });
      }
      expect(findings(stack).filter(f => f.startsWith('error'))).toEqual([]);
    }), PROPERTY_RUNS);
  });

  test('a StringLike sub pattern is flagged (IRSA4) exactly when a wildcard comes before the namespace is complete', () => {
    const pattern = fc.record({
      namespace: validNamespace,
      name: validName,
      wildcard: fc.constantFrom('*', '?'),
      at: fc.nat(),
      length: fc.nat({ max: 5 }),
      others: fc.array(fc.tuple(validNamespace, validName), { maxLength: 5 }),
    });
    fc.assert(fc.property(pattern, ({ namespace, name, wildcard, at, length, others }) => {
      const subject = subjectOf(namespace, name);
      const start = at % (subject.length + 1);
      const like = subject.slice(0, start) + wildcard + subject.slice(start + (wildcard === '?' ? 1 : length));
      const namespaceEnd = `system:serviceaccount:${namespace}:`.length;

      const flagged = findings(roleWithCondition({ StringLike: { [SUB]: like }, StringEquals: { [AUD]: 'sts.amazonaws.com' } }));

      expect(flagged).toEqual(start < namespaceEnd ? ['error IRSA4'] : []);
      if (start >= namespaceEnd) {
        // Unflagged: no ServiceAccount of another namespace matches, whatever its name.
        for (const [ns, n] of [...others, [`${namespace}x`, name], [namespace.slice(1), name]] as Array<[string, string]>) {
          if (isNamespace(ns) && ns !== namespace) expect(globMatches(like, subjectOf(ns, n))).toBe(false);
        }
      }
    }), PROPERTY_RUNS);
  });

  test('a StringEquals value is flagged (IRSA5) exactly when it holds "*" or "?"', () => {
    const value = fc.string({ maxLength: 40, unit: fc.constantFrom('a', ':', '-', '.', '*', '?', '$', '/') });
    fc.assert(fc.property(value, value, (sub, aud) => {
      const flagged = findings(roleWithCondition({ StringEquals: { [SUB]: sub, [AUD]: aud } }));
      const expected = [sub, aud].filter(v => /[*?]/.test(v)).map(() => 'error IRSA5');
      expect(flagged).toEqual(expected);
    }), PROPERTY_RUNS);
  });

  test('a condition operator on sub is flagged (IRSA3) exactly when it is not StringEquals or StringLike', () => {
    const base = fc.constantFrom('StringEquals', 'StringLike', 'StringNotEquals', 'StringNotLike', 'StringEqualsIgnoreCase', 'ArnLike', 'Null');
    const operator = fc.tuple(fc.constantFrom('', 'ForAllValues:', 'ForAnyValue:'), base, fc.constantFrom('', 'IfExists'))
      .map(([set, op, ifExists]) => `${set}${op}${op === 'Null' ? '' : ifExists}`);
    fc.assert(fc.property(operator, validNamespace, validName, (op, namespace, name) => {
      const exact = { [SUB]: subjectOf(namespace, name), [AUD]: 'sts.amazonaws.com' };
      const flagged = findings(roleWithCondition(op === 'StringEquals' ? { StringEquals: exact } : { StringEquals: exact, [op]: { [SUB]: subjectOf(namespace, name) } }));
      expect(flagged).toEqual(['StringEquals', 'StringLike'].includes(op) ? [] : ['error IRSA3']);
    }), PROPERTY_RUNS);
  });
});
