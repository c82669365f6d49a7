import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import fc from 'fast-check';
import { TrustedServiceAccount, WebIdentityTrust } from '../../src/private/web-identity-trust';
import { testApp } from '../support/app';
import { PROPERTY_RUNS, validName, validNamespace } from '../support/arbitraries';

const issuerOf = (cluster: number) => `oidc.eks.eu-west-2.amazonaws.com/id/${String(cluster).padStart(32, '0')}`;

describe('WebIdentityTrust properties', () => {
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
      const trust = new WebIdentityTrust(first);
      const role = new iam.Role(stack, 'Role', { assumedBy: trust.initialPrincipal });
      trust.bind(role);
      more.forEach(a => trust.add(a));

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
});
