import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import fc from 'fast-check';
import { IIrsaCluster, IrsaCluster, IrsaServiceAccount } from '../../src';
import { ACCOUNT, testStack } from '../support/app';
import {
  invalidName,
  invalidNamespace,
  invalidRoleName,
  invalidRolePath,
  isNamespace,
  isRoleName,
  isServiceAccountName,
  PROPERTY_RUNS,
  validName,
  validNamespace,
  validRoleName,
  validRolePath,
} from '../support/arbitraries';
import { subjectOf, trustAllows, WebIdentityToken } from '../support/web-identity';

const STS = 'sts.amazonaws.com';
/** What a message adds for a value over its length limit. */
const lengthNote = (value: string, limit: number) => (value.length > limit ? ` (${value.length} characters, at most ${limit})` : '');
const issuerOf = (cluster: number) => `oidc.eks.eu-west-2.amazonaws.com/id/${String(cluster).padStart(32, '0')}`;
const providerArnOf = (cluster: number) => `arn:aws:iam::${ACCOUNT}:oidc-provider/${issuerOf(cluster)}`;

/** Clusters with literal provider ARNs, so the trust policy is plain JSON that the evaluator reads directly. */
function clusters(stack: Stack, count: number): IIrsaCluster[] {
  return Array.from({ length: count }, (_, c) =>
    IrsaCluster.fromIrsaClusterAttributes(stack, `Cluster${c}`, { openIdConnectProviderArn: providerArnOf(c), clientIds: [STS] }));
}

function trustPolicyOf(sa: IrsaServiceAccount): any {
  return Stack.of(sa).resolve((sa.role.node.defaultChild as iam.CfnRole).assumeRolePolicyDocument);
}

function token(cluster: number, namespace: string, name: string, aud = STS): WebIdentityToken {
  return { providerArn: providerArnOf(cluster), issuer: issuerOf(cluster), sub: subjectOf(namespace, name), aud };
}

/** ServiceAccounts that can exist and differ from (namespace, name) in small ways, and some unrelated ones. */
function nearMisses(namespace: string, name: string, others: Array<[string, string]>): Array<[string, string]> {
  const candidates: Array<[string, string]> = [
    [namespace, `${name}x`], [`${namespace}x`, name], [namespace, name.slice(0, -1)], [namespace.slice(0, -1), name],
    [name, namespace], [`${namespace}-${name}`, name], [namespace, `${namespace}.${name}`], ['default', name], [namespace, 'default'],
    ...others,
  ];
  return candidates.filter(([ns, n]) => isNamespace(ns) && isServiceAccountName(n));
}

describe('IrsaServiceAccount properties', () => {
  test('a valid namespace and name give a trust policy whose sub matches exactly that ServiceAccount', () => {
    fc.assert(fc.property(validNamespace, validName, fc.array(fc.tuple(validNamespace, validName), { maxLength: 5 }), (namespace, name, others) => {
      const stack = testStack();
      const [cluster] = clusters(stack, 1);
      const sa = cluster.addServiceAccount('Sa', { namespace, name, roleName: 'r' });
      const policy = trustPolicyOf(sa);

      expect(policy.Statement).toHaveLength(1);
      expect(policy.Statement[0].Condition).toEqual({ StringEquals: { [`${issuerOf(0)}:sub`]: subjectOf(namespace, name), [`${issuerOf(0)}:aud`]: STS } });
      expect(trustAllows(policy, token(0, namespace, name))).toBe(true);
      for (const [ns, n] of nearMisses(namespace, name, others)) {
        expect(trustAllows(policy, token(0, ns, n))).toBe(ns === namespace && n === name);
      }
      // The same ServiceAccount with another audience, or in another cluster.
      expect(trustAllows(policy, token(0, namespace, name, 'vault'))).toBe(false);
      expect(trustAllows(policy, token(1, namespace, name))).toBe(false);
    }), PROPERTY_RUNS);
  });

  test('an invalid namespace throws a message naming the construct and the value', () => {
    const stack = testStack();
    const [cluster] = clusters(stack, 1);
    let id = 0;
    fc.assert(fc.property(invalidNamespace, validName, (namespace, name) => {
      const path = `Stack/Cluster0/Sa${++id}`;
      expect(() => cluster.addServiceAccount(`Sa${id}`, { namespace, name })).toThrow(
        new Error(`IrsaServiceAccount '${path}': namespace ${JSON.stringify(namespace)} is not a valid Kubernetes namespace${lengthNote(namespace, 63)}. ` +
          'Use a DNS-1123 label: 1-63 lowercase letters, digits or "-", starting and ending with a letter or digit.'));
    }), PROPERTY_RUNS);
  });

  test('an invalid name throws a message naming the construct and the value', () => {
    const stack = testStack();
    const [cluster] = clusters(stack, 1);
    let id = 0;
    fc.assert(fc.property(validNamespace, invalidName, (namespace, name) => {
      const path = `Stack/Cluster0/Sa${++id}`;
      expect(() => cluster.addServiceAccount(`Sa${id}`, { namespace, name })).toThrow(
        new Error(`IrsaServiceAccount '${path}': name ${JSON.stringify(name)} is not a valid Kubernetes ServiceAccount name${lengthNote(name, 253)}. ` +
          'Use a DNS-1123 subdomain: at most 253 lowercase letters, digits, "-" or ".", starting and ending with a letter or digit.'));
    }), PROPERTY_RUNS);
  });

  test('a valid role name and path make the role and its ARN; invalid ones throw naming the value', () => {
    fc.assert(fc.property(validRoleName, validRolePath, invalidRoleName, invalidRolePath, (roleName, path, badName, badPath) => {
      const stack = testStack();
      const [cluster] = clusters(stack, 1);

      const sa = cluster.addServiceAccount('Sa', { namespace: 'ns', name: 'sa', roleName, path });
      const role = sa.role.node.defaultChild as iam.CfnRole;
      expect([role.roleName, role.path]).toEqual([roleName, path]);
      expect(sa.roleArn).toBe(`arn:aws:iam::${ACCOUNT}:role${path}${roleName}`);

      expect(() => cluster.addServiceAccount('BadName', { namespace: 'ns', name: 'sa', roleName: badName }))
        .toThrow(new Error(`IrsaServiceAccount 'Stack/Cluster0/BadName': roleName ${JSON.stringify(badName)} is not a valid IAM role name${lengthNote(badName, 64)}. ` +
          'Use 1-64 characters from letters, digits and "+=,.@_-", or leave roleName out to get a generated one.'));
      expect(() => cluster.addServiceAccount('BadPath', { namespace: 'ns', name: 'sa', path: badPath }))
        .toThrow(new Error(`IrsaServiceAccount 'Stack/Cluster0/BadPath': path ${JSON.stringify(badPath)} is not a valid IAM path${lengthNote(badPath, 512)}. ` +
          'Use "/" or a string that starts and ends with "/" (e.g. "/irsa/"), at most 512 printable ASCII characters.'));
    }), PROPERTY_RUNS);
  });

  test('the default role name is a valid IAM name, the same on every synth, and differs between regions', () => {
    // `constructs` keeps children in a plain object, so names such as "toString" clash there.
    const constructId = fc.string({ minLength: 1, maxLength: 80, unit: 'grapheme' }).filter(id => !id.includes('/') && !(id in {}));
    fc.assert(fc.property(constructId, constructId, (clusterId, saId) => {
      const roleName = (region: string) => {
        const stack = testStack({ env: { account: ACCOUNT, region } });
        const cluster = IrsaCluster.fromOidcProviderArn(stack, clusterId, providerArnOf(0));
        return (cluster.addServiceAccount(saId, { namespace: 'ns', name: 'sa' }).role.node.defaultChild as iam.CfnRole).roleName!;
      };
      const name = roleName('eu-west-2');
      expect(isRoleName(name)).toBe(true);
      expect(roleName('eu-west-2')).toBe(name);
      expect(roleName('us-east-1')).not.toBe(name);
    }), PROPERTY_RUNS);
  });

  test('trusting more ServiceAccounts and clusters lets exactly those assume the role', () => {
    const account = fc.record({
      cluster: fc.nat({ max: 2 }),
      namespace: validNamespace,
      // undefined: every ServiceAccount of the namespace, through trustAllServiceAccountsInNamespace.
      name: fc.option(validName, { nil: undefined }),
    });
    fc.assert(fc.property(validNamespace, validName, fc.array(account, { maxLength: 6 }), (namespace, name, more) => {
      const stack = testStack();
      const all = clusters(stack, 3);
      const sa = all[0].addServiceAccount('Sa', { namespace, name, roleName: 'r' });
      for (const a of more) {
        if (a.name === undefined) sa.trustAllServiceAccountsInNamespace(all[a.cluster], a.namespace);
        else sa.trust(all[a.cluster], { namespace: a.namespace, name: a.name });
      }
      const trusted = [{ cluster: 0, namespace, name }, ...more];
      const policy = trustPolicyOf(sa);

      // One statement per provider and operator, however many subjects.
      const groups = new Set(trusted.map(t => `${t.cluster}/${t.name === undefined}`));
      expect(policy.Statement).toHaveLength(groups.size);
      const candidates = trusted.flatMap(t => [
        [t.namespace, t.name ?? 'any-name'], ...nearMisses(t.namespace, t.name ?? 'any-name', []),
      ]);
      for (let cluster = 0; cluster < 3; cluster++) {
        for (const [ns, n] of candidates) {
          const expected = trusted.some(t => t.cluster === cluster && t.namespace === ns && (t.name === undefined || t.name === n));
          expect(trustAllows(policy, token(cluster, ns, n))).toBe(expected);
        }
      }
    }), PROPERTY_RUNS);
  });

  test('trust rejects an invalid namespace or name with the message the constructor gives', () => {
    const stack = testStack();
    const [cluster] = clusters(stack, 1);
    const sa = cluster.addServiceAccount('Sa', { namespace: 'ns', name: 'sa' });
    fc.assert(fc.property(invalidNamespace, invalidName, (namespace, name) => {
      const prefix = 'IrsaServiceAccount \'Stack/Cluster0/Sa\': ';
      expect(() => sa.trust(cluster, { namespace }))
        .toThrow(`${prefix}namespace ${JSON.stringify(namespace)} is not a valid Kubernetes namespace${lengthNote(namespace, 63)}.`);
      expect(() => sa.trustAllServiceAccountsInNamespace(cluster, namespace)).toThrow(`${prefix}namespace ${JSON.stringify(namespace)}`);
      // A wildcard is not a name either, but gets its own message, which points at trustAllServiceAccountsInNamespace.
      expect(() => sa.trust(cluster, { name })).toThrow(/[*?]/.test(name)
        ? `${prefix}trust() takes the name of one ServiceAccount, and ${JSON.stringify(name)} is a wildcard.`
        : `${prefix}name ${JSON.stringify(name)} is not a valid Kubernetes ServiceAccount name${lengthNote(name, 253)}.`);
    }), PROPERTY_RUNS);
    expect(trustPolicyOf(sa).Statement[0].Condition.StringEquals[`${issuerOf(0)}:sub`]).toBe('system:serviceaccount:ns:sa');
  });
});
