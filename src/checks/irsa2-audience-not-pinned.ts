import { pinsValues } from './pinning-operators';
import { error, TrustRule } from './trust-rule';
import { STS_AUDIENCE } from '../private/irsa-constants';

/** IRSA2: without an exact condition on `aud`, tokens meant for any audience the provider accepts can assume the role. */
export const IRSA2: TrustRule = {
  id: 'IRSA2',
  level: 'error',
  summary: 'no `StringEquals` condition on `<issuer>:aud` (a `StringLike` with a wildcard or a deploy-time value does not count): ' +
    'tokens for any audience the provider accepts can assume the role',
  fix: `Add \`"StringEquals": { "<issuer>:aud": "${STS_AUDIENCE}" }\`.`,
  checkStatement: statement => {
    if (statement.providers.length === 0 || statement.deployTimeConditions.length > 0) return [];
    if (statement.conditions.some(c => c.claim === 'aud' && pinsValues(c))) return [];
    const issuer = statement.providers[0].issuerShown;
    return [error(IRSA2, `${statement.where} has no StringEquals condition on "${issuer}:aud", so tokens issued for any audience ` +
      `the provider accepts can assume the role. Add "StringEquals": { "${issuer}:aud": "${STS_AUDIENCE}" }.`)];
  },
};
