/*
 * A pod's AWS SDK, as a separate process: the default credential chain of AWS SDK for JavaScript v3 finds
 * AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE (what the EKS pod identity webhook injects), calls
 * AssumeRoleWithWebIdentity, then signs GetCallerIdentity with the credentials it got. Prints one JSON line.
 */
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';

async function main(): Promise<void> {
  try {
    const credentials = await fromNodeProviderChain()();
    const identity = await new STSClient({ credentials }).send(new GetCallerIdentityCommand({}));
    console.log(JSON.stringify({ assumed: true, arn: identity.Arn, accessKeyId: credentials.accessKeyId }));
  } catch (e) {
    const error = e as Error & { Code?: string };
    console.log(JSON.stringify({ assumed: false, code: error.Code ?? error.name, message: error.message }));
  }
}

void main();
