import { AuditedValue } from './audited-trust-policy';
import { error, TrustRule } from './trust-rule';
import { SERVICE_ACCOUNT_SUBJECT_PREFIX } from '../private/irsa-constants';

/** IRSA4: a `sub` pattern that lets the namespace vary lets ServiceAccounts of other namespaces in. */
export const IRSA4: TrustRule = {
  id: 'IRSA4',
  level: 'error',
  summary: 'a `StringLike` pattern on `sub` that lets the namespace vary (`system:serviceaccount:*`, `…:team*`, `…:*:name`, `*`); ' +
    '`system:serviceaccount:<namespace>:*` is allowed',
  fix: 'Use `StringEquals` with `system:serviceaccount:<namespace>:<name>`, or at most `system:serviceaccount:<namespace>:*`.',
  checkCondition: (condition, statement) => {
    if (condition.claim !== 'sub' || condition.operator !== 'StringLike') return [];
    return condition.values.filter(namespaceVaries).map(value => error(IRSA4,
      `${statement.where} matches ${condition.keyShown} against ${value.shown} with StringLike, which lets the namespace vary: ` +
      'a ServiceAccount of that name (or any name) in another namespace can assume the role. Use StringEquals with ' +
      'system:serviceaccount:<namespace>:<name>, or at most system:serviceaccount:<namespace>:*.'));
  },
};

/**
 * Whether a pattern can match ServiceAccounts of more than one namespace: it may vary (a wildcard or a deploy-time
 * part) before the namespace of `system:serviceaccount:<namespace>:` is complete. Patterns that cannot match a
 * Kubernetes subject at all (`repo:org/*` of GitHub Actions) are left alone.
 */
function namespaceVaries(value: AuditedValue): boolean {
  if (value.variableAt < 0) return false;
  const literal = value.text.slice(0, value.variableAt);
  if (literal.startsWith(SERVICE_ACCOUNT_SUBJECT_PREFIX)) return !literal.slice(SERVICE_ACCOUNT_SUBJECT_PREFIX.length).includes(':');
  return SERVICE_ACCOUNT_SUBJECT_PREFIX.startsWith(literal);
}
