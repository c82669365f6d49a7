import { CfnOutput, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import { Construct, IDependable } from 'constructs';
import { DISCOVERY_PATH, JWKS_PATH } from './issuer-documents';

/*
 * Where a self-managed cluster's issuer documents are served: an API Gateway REST API whose two GET methods are mock
 * integrations answering with the documents. Chosen over the alternatives that also need no Lambda function and no
 * custom resource: it deploys in seconds and takes a custom domain's certificate from the stack's own region, where a
 * CloudFront distribution (with a CloudFront Function answering) deploys in many minutes and needs its certificate in
 * us-east-1; and CloudFormation cannot put objects into an S3 bucket without a custom resource. The documents are
 * static, so the methods need no authorizer; both are small, so the stage is throttled low.
 */

/** The stage the documents are served from; the issuer URL of the default endpoint ends with it. */
export const ISSUER_STAGE = 'issuer';
const THROTTLE_RATE = 50;
const THROTTLE_BURST = 100;

/** A custom domain for the API. */
export interface IssuerApiDomain {
  readonly domainName: string;
  readonly certificate: acm.ICertificate;
  readonly hostedZone?: route53.IHostedZone;
}

/** The API, the issuer URL it serves, and what must exist before IAM can fetch from it. */
export interface IssuerApi {
  readonly restApi: apigateway.RestApi;
  readonly issuerUrl: string;
  readonly serving: IDependable[];
}

/** Creates the API serving the documents `documentsFor(issuerUrl)` returns for the URL it is reached at. */
export function createIssuerApi(scope: Construct, domain: IssuerApiDomain | undefined,
  documentsFor: (issuerUrl: string) => { discoveryDocument: string; jwks: string }): IssuerApi {
  const restApi = new apigateway.RestApi(scope, 'Api', {
    description: `The ServiceAccount token issuer of ${scope.node.path}: its OIDC discovery document and JWKS`,
    endpointTypes: [apigateway.EndpointType.REGIONAL],
    // The issuer URL is the custom domain's, and tokens name only it: a second URL would be a second issuer.
    disableExecuteApiEndpoint: domain !== undefined,
    cloudWatchRole: false,
    deployOptions: { stageName: ISSUER_STAGE, throttlingRateLimit: THROTTLE_RATE, throttlingBurstLimit: THROTTLE_BURST },
  });
  // Its own `Endpoint` output would name the disabled endpoint, or the stage URL with a trailing "/", which no token
  // carries: the issuer's `IssuerUrl` output is the URL to use.
  restApi.node.tryRemoveChild('Endpoint');
  const serving: IDependable[] = [restApi.deploymentStage];
  let issuerUrl: string;
  if (domain) {
    const domainName = restApi.addDomainName('Domain', {
      domainName: domain.domainName,
      certificate: domain.certificate,
      endpointType: apigateway.EndpointType.REGIONAL,
      securityPolicy: apigateway.SecurityPolicy.TLS_1_2,
    });
    serving.push(domainName);
    new CfnOutput(scope, 'DomainTarget', {
      description: `Point ${domain.domainName} here (a CNAME or alias record) before the OIDC provider is created: IAM fetches the documents then`,
      value: domainName.domainNameAliasDomainName,
    });
    if (domain.hostedZone) {
      serving.push(new route53.ARecord(scope, 'AliasRecord', {
        zone: domain.hostedZone,
        recordName: domain.domainName,
        target: route53.RecordTarget.fromAlias(new targets.ApiGatewayDomain(domainName)),
      }));
    }
    issuerUrl = `https://${domain.domainName}`;
  } else {
    const stack = Stack.of(scope);
    issuerUrl = `https://${restApi.restApiId}.execute-api.${stack.region}.${stack.urlSuffix}/${ISSUER_STAGE}`;
  }
  const { discoveryDocument, jwks } = documentsFor(issuerUrl);
  addDocument(restApi, DISCOVERY_PATH, discoveryDocument);
  addDocument(restApi, JWKS_PATH, jwks);
  return { restApi, issuerUrl, serving };
}

/** A GET method at `path` answering 200 with `body` as `application/json`. */
function addDocument(api: apigateway.RestApi, path: string, body: string): void {
  const resource = api.root.resourceForPath(path);
  resource.addMethod('GET', new apigateway.MockIntegration({
    requestTemplates: { 'application/json': '{"statusCode": 200}' },
    passthroughBehavior: apigateway.PassthroughBehavior.NEVER,
    integrationResponses: [{
      statusCode: '200',
      // A mapping template is Velocity: the documents hold no "$" or "#" (the issuer URL is checked for both), so it
      // answers with them byte for byte.
      responseTemplates: { 'application/json': body },
      responseParameters: { 'method.response.header.Content-Type': '\'application/json\'' },
    }],
  }), {
    methodResponses: [{ statusCode: '200', responseParameters: { 'method.response.header.Content-Type': true } }],
  });
}
