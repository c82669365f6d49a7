/*
 * What the API of a synthesized ServiceAccountIssuer answers, read from its template: each GET method's path (from
 * its chain of AWS::ApiGateway::Resource parts) and the body of its mock integration's 200 response. The lab serves
 * these bytes at the issuer's URL, so STS fetches exactly what API Gateway would return.
 */

/** The body each URL under `issuerUrl` is answered with, by the REST API in `template`. */
export function servedIssuerDocuments(template: any, issuerUrl: string): Map<string, string> {
  const resources: Record<string, any> = template.Resources ?? {};
  const pathOf = (id: string): string => {
    const resource = resources[id];
    const parent = resource.Properties.ParentId;
    const above = parent?.Ref !== undefined ? pathOf(parent.Ref) : '';
    return `${above}/${resource.Properties.PathPart}`;
  };
  const documents = new Map<string, string>();
  for (const method of Object.values(resources).filter(r => r.Type === 'AWS::ApiGateway::Method')) {
    if (method.Properties.HttpMethod !== 'GET' || method.Properties.Integration?.Type !== 'MOCK') continue;
    const response = method.Properties.Integration.IntegrationResponses.find((r: any) => r.StatusCode === '200');
    const body = response?.ResponseTemplates?.['application/json'];
    if (typeof body !== 'string') {
      throw new Error(`the GET method at ${pathOf(method.Properties.ResourceId.Ref)} answers with a value known only at deploy time`);
    }
    documents.set(`${issuerUrl}${pathOf(method.Properties.ResourceId.Ref)}`, body);
  }
  return documents;
}
