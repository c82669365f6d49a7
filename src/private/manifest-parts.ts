/*
 * How much of a chart one `KubernetesManifest` (one apply) may carry.
 *
 * The manifest travels as the `Manifest` property of a `Custom::AWSCDK-EKS-KubernetesResource`: CloudFormation
 * invokes the kubectl provider's framework function asynchronously (the Event invocation type), and the framework
 * invokes the kubectl handler synchronously. The smallest limit on that path is Lambda's payload limit for
 * asynchronous invocations: 1 MB today (256 KB until October 2025; aws-cdk issue 19165 shows the old error,
 * "payload is too large for the Event invocation type (limit 262144 bytes)"). Synchronous invocations allow 6 MB.
 * The kubectl provider has no isComplete handler, so no Step Functions state (256 KB) is on the path.
 *
 * An update request carries the properties twice (`ResourceProperties` and `OldResourceProperties`) next to a
 * presigned response URL and IDs of a few KB. With at most 200 KiB of manifest per resource, an update stays
 * around 410 KB: 40% of the limit.
 */

/** The most bytes of `Manifest` property one manifest resource gets, as the kubectl handler receives it. */
export const MANIFEST_PART_BYTES = 200 * 1024;

/**
 * What aws-eks adds to every object when the cluster prunes (its default): the label
 * `"aws.cdk.eks/prune-<42 hex digits>": ""`, and a `labels` object if there was none, escaped.
 */
const PRUNE_LABEL_BYTES = 96;

/** A deploy-time value is resolved by CloudFormation before the request is sent; a role ARN is well under this. */
const TOKEN_BYTES = 256;

const TOKEN = /[$#]\{Token\[[^\]]*\]\}/g;
const ESCAPED_IN_A_STRING = /["\\]/g;
const NOT_ASCII = /[^\x00-\x7f]/g;

/**
 * The bytes one object adds to the `Manifest` property (a JSON array rendered as a JSON string inside the JSON
 * request): its JSON, with each quote and backslash escaped once more, a non-ASCII character counted as a `\uXXXX`
 * escape, each deploy-time value as TOKEN_BYTES, and the prune label aws-eks adds.
 */
export function manifestBytes(object: unknown): number {
  const json = JSON.stringify(object);
  const tokens = json.match(TOKEN) ?? [];
  const literal = tokens.length === 0 ? json : json.replace(TOKEN, '');
  return literal.length + count(literal, ESCAPED_IN_A_STRING) + 5 * count(literal, NOT_ASCII) +
    tokens.length * TOKEN_BYTES + PRUNE_LABEL_BYTES + 1 /* the comma between objects */;
}

function count(text: string, pattern: RegExp): number {
  return text.match(pattern)?.length ?? 0;
}
