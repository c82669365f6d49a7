import { generateKeyPairSync } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { Stack, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { IrsaCluster, ServiceAccountIssuer } from '../src';
import { testStack } from './support/app';
import { EC_P256_PUBLIC_KEY, RSA_2048_PUBLIC_KEY } from './support/public-keys';

const DOMAIN = 'oidc.example.com';

/** The response bodies of the API's GET methods, by the method's resource path part. */
function servedBodies(template: Template): Record<string, unknown> {
  const methods = template.findResources('AWS::ApiGateway::Method');
  const resources = template.findResources('AWS::ApiGateway::Resource');
  return Object.fromEntries(Object.values(methods).map(method => [
    resources[method.Properties.ResourceId.Ref].Properties.PathPart,
    method.Properties.Integration.IntegrationResponses[0].ResponseTemplates['application/json'],
  ]));
}

function withDomain(stack: Stack, publicKeys = [RSA_2048_PUBLIC_KEY]): ServiceAccountIssuer {
  const zone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0123456789', zoneName: 'example.com' });
  const certificate = acm.Certificate.fromCertificateArn(stack, 'Certificate',
    'arn:aws:acm:eu-west-2:123456789012:certificate/00000000-0000-0000-0000-000000000000');
  return new ServiceAccountIssuer(stack, 'Issuer', { publicKeys, domain: { domainName: DOMAIN, certificate, hostedZone: zone } });
}

describe('ServiceAccountIssuer', () => {
  test('serves the discovery document and JWKS from mock integrations of a regional REST API, with no Lambda function and no custom resource', () => {
    // GIVEN
    const stack = testStack();

    // WHEN
    const issuer = new ServiceAccountIssuer(stack, 'Issuer', { publicKeys: [RSA_2048_PUBLIC_KEY, EC_P256_PUBLIC_KEY] });

    // THEN
    const template = Template.fromStack(stack);
    const types = Object.values(template.toJSON().Resources).map((r: any) => r.Type);
    expect(types.filter(type => /Lambda|CloudFormation::CustomResource|^Custom::/.test(type))).toEqual([]);
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { EndpointConfiguration: { Types: ['REGIONAL'] }, DisableExecuteApiEndpoint: false });
    template.resourceCountIs('AWS::ApiGateway::Method', 2);
    template.allResourcesProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'GET',
      AuthorizationType: 'NONE',
      Integration: {
        Type: 'MOCK',
        IntegrationResponses: [Match.objectLike({
          StatusCode: '200',
          ResponseParameters: { 'method.response.header.Content-Type': '\'application/json\'' },
        })],
      },
    });
    const api = { Ref: stack.getLogicalId(issuer.restApi!.node.defaultChild as any) };
    const url = { 'Fn::Join': ['', ['https://', api, '.execute-api.eu-west-2.', { Ref: 'AWS::URLSuffix' }, '/issuer']] };
    expect(stack.resolve(issuer.issuerUrl)).toEqual(url);
    const bodies = servedBodies(template);
    expect(JSON.parse(bodies.jwks as string)).toEqual(JSON.parse(issuer.jwks));
    expect(JSON.parse(issuer.jwks).keys.map((k: any) => k.kid)).toEqual(issuer.keyIds);
    expect(stack.resolve(bodies['openid-configuration'])).toEqual({
      'Fn::Join': ['', [
        '{"issuer":"https://', api, '.execute-api.eu-west-2.', { Ref: 'AWS::URLSuffix' }, '/issuer","jwks_uri":"https://', api,
        '.execute-api.eu-west-2.', { Ref: 'AWS::URLSuffix' }, '/issuer/openid/v1/jwks","response_types_supported":["id_token"],' +
        '"subject_types_supported":["public"],"id_token_signing_alg_values_supported":["ES256","RS256"]}',
      ]],
    });
    template.hasOutput('IssuerIssuerUrl13B08C1D', { Value: url });
  });

  test('at a custom domain: the issuer URL is the domain, the execute-api endpoint is off, and the alias record is made', () => {
    // GIVEN
    const stack = testStack();

    // WHEN
    const issuer = withDomain(stack);

    // THEN
    expect(issuer.issuerUrl).toBe(`https://${DOMAIN}`);
    expect(issuer.jwksUri).toBe(`https://${DOMAIN}/openid/v1/jwks`);
    expect(JSON.parse(issuer.discoveryDocument)).toEqual({
      issuer: `https://${DOMAIN}`,
      jwks_uri: `https://${DOMAIN}/openid/v1/jwks`,
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
    });
    const template = Template.fromStack(stack);
    expect(servedBodies(template)['openid-configuration']).toBe(issuer.discoveryDocument);
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { DisableExecuteApiEndpoint: true });
    template.hasResourceProperties('AWS::ApiGateway::DomainName', {
      DomainName: DOMAIN,
      EndpointConfiguration: { Types: ['REGIONAL'] },
      SecurityPolicy: 'TLS_1_2',
    });
    template.hasResourceProperties('AWS::ApiGateway::BasePathMapping', { DomainName: Match.anyValue(), Stage: Match.anyValue() });
    template.hasResourceProperties('AWS::Route53::RecordSet', { Name: `${DOMAIN}.`, Type: 'A', HostedZoneId: 'Z0123456789' });
    template.hasOutput('IssuerDomainTargetCDC09215', { Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^IssuerApiDomain'), 'RegionalDomainName'] } });
    expect(Object.keys(template.toJSON().Outputs).sort()).toEqual(['IssuerApiServerFlagsB367E2F7', 'IssuerDomainTargetCDC09215', 'IssuerIssuerUrl13B08C1D']);
    template.hasOutput('IssuerApiServerFlagsB367E2F7', {
      Value: `--service-account-issuer=https://${DOMAIN} --service-account-jwks-uri=https://${DOMAIN}/openid/v1/jwks ` +
        `--api-audiences=https://${DOMAIN} --service-account-key-file=/etc/kubernetes/pki/sa.pub ` +
        '--service-account-signing-key-file=/etc/kubernetes/pki/sa.key',
    });
    expect(template.toJSON()).toMatchSnapshot();
    // docs/self-managed-clusters.md shows these flags for its example, which is this one.
    const page = fs.readFileSync(path.join(__dirname, '..', 'docs', 'self-managed-clusters.md'), 'utf8');
    const shown = /\*\*The API server's side\.\*\*[\s\S]*?```text\n([\s\S]*?)```/.exec(page)?.[1];
    expect(shown).toBe(issuer.apiServerFlags.join('\n') + '\n');
  });

  test('writes both documents into the cloud assembly, byte for byte what the API serves; the JWKS alone when the URL is known at deploy time', () => {
    // GIVEN
    const stack = testStack();
    const served = withDomain(stack);
    const deployTime = new ServiceAccountIssuer(new Stack(stack.node.scope as any, 'Other', { env: stack.environment as any }), 'Issuer', {
      publicKeys: [EC_P256_PUBLIC_KEY],
    });

    // WHEN
    const out = (stack.node.scope as any).synth().directory;

    // THEN
    expect(served.discoveryDocumentFileName).toBe('Stack.Issuer.openid-configuration.json');
    expect(served.jwksFileName).toBe('Stack.Issuer.jwks.json');
    const bodies = servedBodies(Template.fromJSON(JSON.parse(fs.readFileSync(path.join(out, 'Stack.template.json'), 'utf8'))));
    expect(fs.readFileSync(path.join(out, served.discoveryDocumentFileName), 'utf8')).toBe(bodies['openid-configuration']);
    expect(fs.readFileSync(path.join(out, served.jwksFileName), 'utf8')).toBe(bodies.jwks);
    expect(fs.readFileSync(path.join(out, 'Other.Issuer.jwks.json'), 'utf8')).toBe(deployTime.jwks);
    expect(fs.existsSync(path.join(out, 'Other.Issuer.openid-configuration.json'))).toBe(false);
  });

  test('no private key material reaches the template or the cloud assembly, even when one was offered and refused', () => {
    // GIVEN
    const stack = testStack();
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    expect(() => new ServiceAccountIssuer(stack, 'Refused', { publicKeys: [privatePem] })).toThrow(/is a private key/);
    new ServiceAccountIssuer(stack, 'Issuer', { publicKeys: [RSA_2048_PUBLIC_KEY, EC_P256_PUBLIC_KEY], issuerUrl: 'https://oidc.example.com' });

    // WHEN
    const out = (stack.node.scope as any).synth().directory;

    // THEN
    const files = fs.readdirSync(out);
    expect(files).toEqual(expect.arrayContaining(['Stack.Issuer.jwks.json', 'Stack.Issuer.kubeadm.yaml', 'Stack.Issuer.k3s-config.yaml']));
    const privateBody = privatePem.split('\n')[1];
    for (const file of files.filter(name => fs.statSync(path.join(out, name)).isFile())) {
      const text = fs.readFileSync(path.join(out, file), 'utf8');
      expect(text).not.toContain('PRIVATE KEY');
      expect(text).not.toContain(privateBody);
    }
    expect(fs.readFileSync(path.join(out, 'Stack.Issuer.kubeadm.yaml'), 'utf8')).toContain('value: "/etc/kubernetes/pki/sa.key"');
    expect(fs.readFileSync(path.join(out, 'Stack.Issuer.k3s-config.yaml'), 'utf8'))
      .toContain('"service-account-signing-key-file=/var/lib/rancher/k3s/server/tls/service.current.key"');
  });

  test('for documents served elsewhere: creates nothing to serve them, and writes both files for the URL given', () => {
    const stack = testStack();

    const issuer = new ServiceAccountIssuer(stack, 'Issuer', {
      publicKeys: [EC_P256_PUBLIC_KEY],
      issuerUrl: 'https://my-bucket.s3.eu-west-2.amazonaws.com/cluster-a',
    });
    const out = (stack.node.scope as any).synth().directory;

    expect(issuer.restApi).toBeUndefined();
    expect(Object.keys(Template.fromStack(stack).toJSON().Resources ?? {})).toEqual([]);
    expect(JSON.parse(fs.readFileSync(path.join(out, issuer.discoveryDocumentFileName), 'utf8'))).toMatchObject({
      issuer: 'https://my-bucket.s3.eu-west-2.amazonaws.com/cluster-a',
      jwks_uri: 'https://my-bucket.s3.eu-west-2.amazonaws.com/cluster-a/openid/v1/jwks',
    });
  });

  test('a move to a new issuer: the former one is a second --service-account-issuer and API audience; rotation: every key file', () => {
    const stack = testStack();

    const issuer = new ServiceAccountIssuer(stack, 'Issuer', {
      publicKeys: [RSA_2048_PUBLIC_KEY, EC_P256_PUBLIC_KEY],
      issuerUrl: 'https://oidc.example.com',
      formerIssuerUrls: ['https://kubernetes.default.svc.cluster.local'],
      apiServerKeyFiles: ['/etc/kubernetes/pki/sa-old.pub', '/etc/kubernetes/pki/sa.pub'],
      apiServerSigningKeyFile: '/etc/kubernetes/pki/sa.key',
    });

    expect(issuer.apiServerFlags).toEqual([
      '--service-account-issuer=https://oidc.example.com',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      '--service-account-jwks-uri=https://oidc.example.com/openid/v1/jwks',
      '--api-audiences=https://oidc.example.com,https://kubernetes.default.svc.cluster.local',
      '--service-account-key-file=/etc/kubernetes/pki/sa-old.pub',
      '--service-account-key-file=/etc/kubernetes/pki/sa.pub',
      '--service-account-signing-key-file=/etc/kubernetes/pki/sa.key',
    ]);
  });

  test('a new key set is a new API deployment, so the stage serves it', () => {
    const deploymentOf = (keys: string[]) => {
      const stack = testStack();
      new ServiceAccountIssuer(stack, 'Issuer', { publicKeys: keys });
      return Object.keys(Template.fromStack(stack).findResources('AWS::ApiGateway::Deployment'));
    };

    const one = deploymentOf([RSA_2048_PUBLIC_KEY]);
    const two = deploymentOf([RSA_2048_PUBLIC_KEY, EC_P256_PUBLIC_KEY]);

    expect(one).toHaveLength(1);
    expect(two).toHaveLength(1);
    expect(two[0]).not.toBe(one[0]);
  });

  test('refuses issuer URLs IAM would not trust or tokens would not carry, and inputs that contradict each other', () => {
    const certificate = acm.Certificate.fromCertificateArn(testStack(), 'Certificate', 'arn:aws:acm:eu-west-2:123456789012:certificate/1');
    const make = (props: Partial<ConstructorParameters<typeof ServiceAccountIssuer>[2]>) =>
      () => new ServiceAccountIssuer(testStack(), 'Issuer', { publicKeys: [RSA_2048_PUBLIC_KEY], ...props });
    const prefix = 'ServiceAccountIssuer \'Stack/Issuer\': ';

    expect(make({ issuerUrl: 'https://oidc.example.com/', domain: { domainName: DOMAIN, certificate } }))
      .toThrow(`${prefix}pass domain (to serve the issuer at your domain) or issuerUrl (to serve the documents yourself), not both.`);
    const fix = 'Use the cluster\'s issuer exactly as it appears in the token\'s "iss" claim, e.g. https://oidc.eks.eu-west-2.amazonaws.com/id/EXAMPLE.';
    const refused = (message: string) => new Error(`${prefix}${message}`);
    expect(make({ issuerUrl: 'http://oidc.example.com' }))
      .toThrow(refused(`issuerUrl "http://oidc.example.com" must start with "https://": IAM only trusts OIDC issuers served over HTTPS. ${fix}`));
    expect(make({ issuerUrl: 'https://oidc.example.com/' })).toThrow(refused('issuerUrl "https://oidc.example.com/" ends in "/", which tokens\' "iss" ' +
      'never does (an API server publishes its discovery document at <issuer>/.well-known/openid-configuration), so no token could match the ' +
      'role\'s trust. Use "https://oidc.example.com".'));
    expect(make({ issuerUrl: 'https://oidc.example.com?x=1' }))
      .toThrow(refused(`issuerUrl "https://oidc.example.com?x=1" must not contain a query string or fragment: IAM rejects them. ${fix}`));
    expect(make({ issuerUrl: 'https://oidc.example.com#a' }))
      .toThrow(refused(`issuerUrl "https://oidc.example.com#a" must not contain a query string or fragment: IAM rejects them. ${fix}`));
    const long = `https://oidc.example.com/${'a'.repeat(240)}`;
    expect(make({ issuerUrl: long })).toThrow(refused(`issuerUrl "${long}" is 265 characters long; IAM accepts at most 255. ${fix}`));
    expect(make({ issuerUrl: Token.asString({ Ref: 'Url' }) }))
      .toThrow(refused('issuerUrl must be a literal: the API server is configured with it, and every token carries it.'));
    expect(make({ formerIssuerUrls: [Token.asString({ Ref: 'Url' })] })).toThrow(refused('formerIssuerUrls[0] must be a literal: it is a flag of the API server.'));
    expect(make({ domain: { domainName: Token.asString({ Ref: 'Domain' }), certificate } })).toThrow(refused('domain.domainName must be a literal: ' +
      'it is the issuer URL, which the API server is configured with and every token carries.'));
    expect(make({ issuerUrl: 'https://oidc.example.com/$x' }))
      .toThrow(`${prefix}issuerUrl "https://oidc.example.com/$x" has a "$", "#" or ","; use a URL without them.`);
    expect(make({ apiServerSigningKeyFile: ' ' })).toThrow(refused('apiServerSigningKeyFile is empty. Give the path of the private key the API ' +
      'server signs with, or leave it out for kubeadm\'s /etc/kubernetes/pki/sa.key.'));
    expect(make({ formerIssuerUrls: ['https://a.example.com,https://b.example.com'] })).toThrow(`${prefix}formerIssuerUrls[0] ` +
      '"https://a.example.com,https://b.example.com" must be the former --service-account-issuer exactly, without white space or ",".');
    expect(make({ domain: { domainName: 'https://oidc.example.com', certificate } })).toThrow(`${prefix}domain.domainName "https://oidc.example.com" ` +
      'is not a host name in lower case (such as "oidc.example.com"): give the name alone, without "https://", a path or a port.');
    expect(make({ domain: { domainName: 'OIDC.example.com', certificate } })).toThrow(refused('domain.domainName "OIDC.example.com" is not a host name ' +
      'in lower case (such as "oidc.example.com"): give the name alone, without "https://", a path or a port.'));
    expect(make({ issuerUrl: 'https://a.example.com', formerIssuerUrls: ['https://a.example.com'] }))
      .toThrow(`${prefix}formerIssuerUrls has the issuer itself (https://a.example.com). List only the issuers the API server signed with before.`);
    expect(make({ apiServerKeyFiles: [] })).toThrow(`${prefix}apiServerKeyFiles is empty; the API server needs at least one ` +
      '--service-account-key-file. Leave it out for kubeadm\'s /etc/kubernetes/pki/sa.pub.');
    expect(make({ apiServerKeyFiles: ['/a.pub', '/b.pub'] })).toThrow(`${prefix}apiServerKeyFiles has more files (2) than publicKeys has keys (1): tokens signed by a key ` +
      'the issuer does not publish are accepted by the API server and refused by STS. Publish every key the API server accepts.');
  });
});

describe('IrsaCluster with a ServiceAccountIssuer', () => {
  test('creates the provider from the issuer\'s URL, after the documents are served, with no thumbprint', () => {
    // GIVEN
    const stack = testStack();
    const issuer = withDomain(stack);

    // WHEN
    const irsa = new IrsaCluster(stack, 'Irsa', { issuer });
    irsa.addServiceAccount('App', { namespace: 'shop', name: 'app' });

    // THEN
    const template = Template.fromStack(stack);
    const [provider] = Object.values(template.findResources('AWS::IAM::OIDCProvider'));
    expect(provider.Properties).toEqual({ Url: `https://${DOMAIN}`, ClientIdList: ['sts.amazonaws.com'] });
    expect(provider.DependsOn).toEqual(expect.arrayContaining([
      expect.stringMatching(/^IssuerApiDeploymentStageissuer/),
      expect.stringMatching(/^IssuerApiDomain/),
      expect.stringMatching(/^IssuerAliasRecord/),
    ]));
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({
          Condition: { StringEquals: { [`${DOMAIN}:sub`]: 'system:serviceaccount:shop:app', [`${DOMAIN}:aud`]: 'sts.amazonaws.com' } },
        })],
      },
    });
    expect(irsa.openIdConnectProviderIssuer).toBe(DOMAIN);
  });

  test('refuses an issuer beside issuerUrl', () => {
    const stack = testStack();
    const issuer = new ServiceAccountIssuer(stack, 'Issuer', { publicKeys: [RSA_2048_PUBLIC_KEY], issuerUrl: 'https://oidc.example.com' });

    expect(() => new IrsaCluster(stack, 'Irsa', { issuer, issuerUrl: 'https://oidc.example.com' })).toThrow(new Error('IrsaCluster ' +
      '\'Stack/Irsa\': issuer is set, and so is issuerUrl: a ServiceAccountIssuer is the issuer of a cluster you run yourself. Pass one of them.'));
  });
});
