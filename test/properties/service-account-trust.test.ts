import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import fc from 'fast-check';
import { ServiceAccountTrust, TrustedServiceAccount } from '../../src/private/service-account-trust';
import { evaluatePodIdentityTrust } from '../../src/verify/trust-evaluator';
import { testApp } from '../support/app';
import { PROPERTY_RUNS, validName, validNamespace } from '../support/arbitraries';

const issuerOf = (cluster: number) => `oidc.eks.eu-west-2.amazonaws.com/id/${String(cluster).padStart(32, '0')}`;

describe('ServiceAccountTrust properties', () => {
  test('the size check measures the minified policy, fails synthesis over 4096 characters and warns over 2048', () => {
    const account = fc.record({
      cluster: fc.nat({ max: 2 }),
      audience: fc.constantFrom('sts.amazonaws.com', 'vault'),
      namespace: validNamespace,
      name: fc.option(validName, { nil: undefined }),
    });
    fc.assert(fc.property(fc.array(account, { minLength: 1, maxLength: 60 }), accounts => {
      const stack = new Stack(testApp(), 'Stack');
      const [first, ...more]: TrustedServiceAccount[] = accounts.map(a => ({
        ...a,
        providerArn: `arn:aws:iam::123456789012:oidc-provider/${issuerOf(a.cluster)}`,
        issuer: issuerOf(a.cluster),
      }));
      const trust = new ServiceAccountTrust();
      trust.addWebIdentity(first);
      const role = new iam.Role(stack, 'Role', { assumedBy: trust.initialPrincipal });
      trust.bind(role);
      more.forEach(a => trust.addWebIdentity(a));

      const size = JSON.stringify(stack.resolve((role.node.defaultChild as iam.CfnRole).assumeRolePolicyDocument)).length;
      expect(trust.estimatedSize).toBe(size);
      // With literal issuers the bound that spares most roles the estimate is exact.
      expect(trust.sizeUpperBound).toBe(size);
      const errors = role.node.validate();
      expect(errors).toHaveLength(size > 4096 ? 1 : 0);
      const warned = role.node.metadata.some(m => m.type === 'aws:cdk:warning' && String(m.data).includes('over IAM\'s default quota of 2048'));
      expect(warned).toBe(size > 2048 && size <= 4096);
    }), PROPERTY_RUNS);
  });

  test('an EKS Pod Identity trust lets in exactly the (cluster, namespace, ServiceAccount) triples it was given, never a mix of them', () => {
    const subject = fc.record({
      cluster: fc.constantFrom('blue', 'green'),
      namespace: fc.oneof(fc.constantFrom('shop', 'billing'), validNamespace),
      name: fc.oneof(fc.constantFrom('orders', 'api'), validName),
    });
    fc.assert(fc.property(fc.array(subject, { minLength: 1, maxLength: 8 }), subjects => {
      // GIVEN a role that trusts the subjects
      const stack = new Stack(testApp(), 'Stack');
      const arnOf = (cluster: string) => `arn:aws:eks:eu-west-2:123456789012:cluster/${cluster}`;
      const trust = new ServiceAccountTrust();
      const [first, ...more] = subjects.map(s => ({ clusterArn: arnOf(s.cluster), namespace: s.namespace, name: s.name }));
      trust.addPodIdentity(first);
      const role = new iam.Role(stack, 'Role', { assumedBy: trust.initialPrincipal });
      trust.bind(role);
      more.forEach(s => trust.addPodIdentity(s));
      const policy = stack.resolve((role.node.defaultChild as iam.CfnRole).assumeRolePolicyDocument);

      // THEN every combination of the values used is allowed exactly when it is one of the subjects
      const key = (s: { cluster: string; namespace: string; name: string }) => `${s.cluster}/${s.namespace}/${s.name}`;
      const trusted = new Set(subjects.map(key));
      for (const cluster of new Set(subjects.map(s => s.cluster))) {
        for (const namespace of new Set(subjects.map(s => s.namespace))) {
          for (const name of new Set(subjects.map(s => s.name))) {
            const decision = evaluatePodIdentityTrust(policy, {
              clusterArn: arnOf(cluster), clusterName: cluster, namespace, serviceAccount: name, podName: `${name}-0`, podUid: 'uid',
            });
            expect(decision.allowed).toBe(trusted.has(key({ cluster, namespace, name })));
          }
        }
      }
    }), PROPERTY_RUNS);
  });
});
