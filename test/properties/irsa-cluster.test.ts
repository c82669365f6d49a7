import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cdk8s from 'cdk8s';
import fc from 'fast-check';
import { IrsaCluster } from '../../src';
import { ACCOUNT, testStack } from '../support/app';
import { invalidIssuerUrl, invalidThumbprint, PROPERTY_RUNS, validClientIds, validIssuerUrl, validThumbprints } from '../support/arbitraries';
import { evaluateIntrinsics } from '../support/cfn';
import { subjectOf, trustAllows } from '../support/web-identity';

function providerOf(irsa: IrsaCluster): iam.CfnOIDCProvider {
  return irsa.node.defaultChild as iam.CfnOIDCProvider;
}

describe('IrsaCluster properties', () => {
  test('a valid issuer URL gives a provider and condition keys that let exactly its ServiceAccount in', () => {
    fc.assert(fc.property(validIssuerUrl, validIssuerUrl, (issuerUrl, otherUrl) => {
      fc.pre(otherUrl !== issuerUrl);
      const stack = testStack();
      const irsa = new IrsaCluster(stack, 'Irsa', { issuerUrl });
      const sa = irsa.addServiceAccount('Sa', { namespace: 'ns', name: 'sa' });

      const issuer = issuerUrl.slice('https://'.length);
      const arn = `arn:aws:iam::${ACCOUNT}:oidc-provider/${issuer}`;
      expect(providerOf(irsa).url).toBe(issuerUrl);
      expect(irsa.openIdConnectProviderIssuer).toBe(issuer);
      const logicalId = stack.resolve(providerOf(irsa).logicalId);
      const policy = evaluateIntrinsics(stack.resolve((sa.role.node.defaultChild as iam.CfnRole).assumeRolePolicyDocument),
        { attributes: { [`${logicalId}.Arn`]: arn } });
      const tokenOf = (tokenIssuer: string, sub: string) => ({
        providerArn: `arn:aws:iam::${ACCOUNT}:oidc-provider/${tokenIssuer}`, issuer: tokenIssuer, sub, aud: 'sts.amazonaws.com',
      });
      expect(trustAllows(policy, tokenOf(issuer, subjectOf('ns', 'sa')))).toBe(true);
      expect(trustAllows(policy, tokenOf(issuer, subjectOf('ns', 'other')))).toBe(false);
      expect(trustAllows(policy, tokenOf(otherUrl.slice('https://'.length), subjectOf('ns', 'sa')))).toBe(false);
    }), PROPERTY_RUNS);
  });

  test('an invalid issuer URL throws a message naming the construct and the value', () => {
    const stack = testStack();
    let id = 0;
    fc.assert(fc.property(invalidIssuerUrl, issuerUrl => {
      const name = `Irsa${++id}`;
      expect(() => new IrsaCluster(stack, name, { issuerUrl })).toThrow(`IrsaCluster 'Stack/${name}': issuerUrl ${JSON.stringify(issuerUrl)} `);
    }), PROPERTY_RUNS);
  });

  test('valid client IDs are the provider\'s audiences; any of them is a ServiceAccount audience, nothing else is', () => {
    fc.assert(fc.property(validClientIds, fc.nat(), fc.string({ maxLength: 255 }), (clientIds, pick, stranger) => {
      fc.pre(!clientIds.includes(stranger));
      const stack = testStack();
      const irsa = new IrsaCluster(stack, 'Irsa', { issuerUrl: 'https://oidc.example.com', clientIds });
      const audience = clientIds[pick % clientIds.length];

      const sa = irsa.addServiceAccount('Sa', { namespace: 'ns', name: 'sa', audience });
      expect(providerOf(irsa).clientIdList).toEqual(clientIds);
      const conditions = Stack.of(sa).resolve((sa.role.node.defaultChild as iam.CfnRole).assumeRolePolicyDocument).Statement[0].Condition;
      expect(conditions.StringEquals['oidc.example.com:aud']).toBe(audience);
      const annotations = cdk8s.Testing.synth(sa.chart)[0].metadata.annotations;
      expect(annotations['eks.amazonaws.com/audience']).toBe(audience === 'sts.amazonaws.com' ? undefined : audience);
      expect(() => irsa.addServiceAccount('Stranger', { namespace: 'ns', name: 'sa', audience: stranger }))
        .toThrow(`IrsaServiceAccount 'Stack/Irsa/Stranger': audience ${JSON.stringify(stranger)} `);
    }), PROPERTY_RUNS);
  });

  test('invalid client ID lists throw a message naming the count or the value', () => {
    const stack = testStack();
    let id = 0;
    const tooMany = fc.array(fc.string({ minLength: 1, maxLength: 10 }), { minLength: 101, maxLength: 150 });
    const badEntry = fc.tuple(validClientIds, fc.oneof(fc.constant(''), fc.string({ minLength: 256, maxLength: 300 })), fc.nat())
      .map(([ids, bad, at]) => {
        const withBad = ids.slice(0, 99);
        withBad.splice(at % (withBad.length + 1), 0, bad);
        return { ids: withBad, bad };
      });
    fc.assert(fc.property(tooMany, badEntry, (many, { ids, bad }) => {
      const make = (clientIds: string[]) => () => new IrsaCluster(stack, `Irsa${++id}`, { issuerUrl: `https://oidc.example.com/id/${id}`, clientIds });
      expect(make([])).toThrow('clientIds has 0 entries; IAM requires between 1 and 100.');
      expect(make(many)).toThrow(`clientIds has ${many.length} entries; IAM requires between 1 and 100.`);
      expect(make(ids)).toThrow(`client ID ${JSON.stringify(bad)} is ${bad.length} characters long; IAM requires 1 to 255.`);
    }), PROPERTY_RUNS);
  });

  // Each cluster gets its own issuer: IAM allows one provider per issuer, and so does IrsaCluster.
  test('valid thumbprints are passed through; an invalid one or more than five throw naming the value or count', () => {
    const stack = testStack();
    let id = 0;
    fc.assert(fc.property(validThumbprints, invalidThumbprint, fc.nat(), (thumbprints, bad, at) => {
      const make = (list: string[]) => () => new IrsaCluster(stack, `Irsa${++id}`, { issuerUrl: `https://oidc.example.com/id/${id}`, thumbprints: list });
      expect(providerOf(make(thumbprints)()).thumbprintList).toEqual(thumbprints);
      const withBad = thumbprints.slice(0, 4);
      withBad.splice(at % (withBad.length + 1), 0, bad);
      expect(make(withBad)).toThrow(`thumbprint ${JSON.stringify(bad)} is not a SHA-1 fingerprint: IAM wants 40 hexadecimal characters.`);
      const six = [...thumbprints, ...Array.from({ length: 6 - thumbprints.length }, () => 'a'.repeat(40))];
      expect(make(six)).toThrow('thumbprints has 6 entries; IAM accepts at most 5.');
    }), PROPERTY_RUNS);
  });
});
