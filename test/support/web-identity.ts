/**
 * What STS decides for AssumeRoleWithWebIdentity, for the trust policies this library writes: a statement allows a
 * token when its Federated principal is the token's provider and every condition holds, with IAM's semantics of
 * StringEquals (exact, case-sensitive) and StringLike (`*` any characters, `?` one) on the `<issuer>:sub` and
 * `<issuer>:aud` context keys (keys compare case-insensitively; an absent key fails the condition).
 */
export interface WebIdentityToken {
  readonly providerArn: string;
  /** The issuer without https://: the prefix of the context keys STS sets. */
  readonly issuer: string;
  readonly sub: string;
  readonly aud: string;
}

export function trustAllows(policy: any, token: WebIdentityToken): boolean {
  return asArray(policy.Statement).some((statement: any) =>
    statement.Effect === 'Allow'
    && asArray(statement.Action).includes('sts:AssumeRoleWithWebIdentity')
    && asArray(statement.Principal?.Federated).includes(token.providerArn)
    && Object.entries(statement.Condition ?? {}).every(([operator, block]) =>
      Object.entries(block as Record<string, unknown>).every(([key, expected]) => holds(operator, key, expected, token))));
}

/** The `sub` claim of a ServiceAccount's tokens. */
export function subjectOf(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

export function globMatches(pattern: string, text: string): boolean {
  const regex = [...pattern].map(ch => (ch === '*' ? '[\\s\\S]*' : ch === '?' ? '[\\s\\S]' : ch.replace(/[.+^${}()|[\]\\*?]/g, '\\$&'))).join('');
  return new RegExp(`^${regex}$`).test(text);
}

function holds(operator: string, key: string, expected: unknown, token: WebIdentityToken): boolean {
  const lowerKey = key.toLowerCase();
  const issuer = token.issuer.toLowerCase();
  const actual = lowerKey === `${issuer}:sub` ? token.sub : lowerKey === `${issuer}:aud` ? token.aud : undefined;
  if (actual === undefined) return false;
  const values = asArray(expected) as string[];
  switch (operator) {
    case 'StringEquals': return values.includes(actual);
    case 'StringLike': return values.some(pattern => globMatches(pattern, actual));
    default: throw new Error(`the evaluator does not know the operator ${operator}`);
  }
}

function asArray(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
