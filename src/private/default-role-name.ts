import { createHash } from 'crypto';
import { Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

const MAX_ROLE_NAME = 64;
const HASH_LENGTH = 8;

/**
 * A role name that is the same on every synth of the same construct, so the role ARN can be written into
 * the ServiceAccount manifest before CloudFormation creates the role.
 *
 * IAM role names are unique per account across all regions, so the hash covers the region as well as the
 * construct path: the same app deployed to two regions of one account gets two roles. The readable part
 * keeps the end of the path, which names the ServiceAccount.
 */
export function defaultRoleName(scope: IConstruct): string {
  const stack = Stack.of(scope);
  const region = Token.isUnresolved(stack.region) ? '' : stack.region;
  const hash = createHash('sha256')
    .update(`${scope.node.path}\u0000${region}`)
    .digest('hex')
    .slice(0, HASH_LENGTH)
    .toUpperCase();
  const readable = scope.node.scopes
    .slice(1)
    .map(c => c.node.id.replace(/[^A-Za-z0-9]/g, ''))
    .filter(id => id.length > 0)
    .join('-');
  const room = MAX_ROLE_NAME - HASH_LENGTH - 1;
  const tail = readable.length > room ? readable.slice(readable.length - room).replace(/^-+/, '') : readable;
  return tail.length > 0 ? `${tail}-${hash}` : hash;
}
