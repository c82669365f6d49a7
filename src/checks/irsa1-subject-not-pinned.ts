import { PINNING_OPERATORS } from './pinning-operators';
import { error, TrustRule } from './trust-rule';

/** IRSA1: without a condition on `sub`, every identity the provider issues tokens for can assume the role. */
export const IRSA1: TrustRule = {
  id: 'IRSA1',
  level: 'error',
  summary: 'no `StringEquals`/`StringLike` condition on `<issuer>:sub`: every ServiceAccount of the cluster can assume the role',
  fix: 'Add `"StringEquals": { "<issuer>:sub": "system:serviceaccount:<namespace>:<name>" }`.',
  checkStatement: statement => {
    // Deploy-time conditions may hold it; IRSA9 reports them instead.
    if (statement.providers.length === 0 || statement.deployTimeConditions.length > 0) return [];
    if (statement.conditions.some(c => c.claim === 'sub' && PINNING_OPERATORS.includes(c.operator))) return [];
    const issuer = statement.providers[0].issuerShown;
    return [error(IRSA1, `${statement.where} has no StringEquals or StringLike condition on "${issuer}:sub", so every identity ` +
      'the provider issues tokens for (every ServiceAccount of the cluster) can assume the role. Add ' +
      `"StringEquals": { "${issuer}:sub": "system:serviceaccount:<namespace>:<name>" }.`)];
  },
};
