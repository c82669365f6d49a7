import { AuditedAwsStatement } from './audited-trust-policy';
import { error, TrustRule } from './trust-rule';

/** An account root (`arn:<partition>:iam::<account>:root`) or a bare account ID, as a trust policy names an account. */
const ACCOUNT_PRINCIPAL = /^(arn:[^:]+:iam::[^:]+:root|\d{12})$/;
/** Operators that pin `aws:PrincipalArn` to given ARNs (with no wildcard in the values). */
const PRINCIPAL_ARN_PINS = ['StringEquals', 'ArnEquals'];

/**
 * IRSA15: a Pod Identity target role must trust exactly its associations' roles. An account root (without an exact
 * `aws:PrincipalArn` condition, the form the EKS User Guide shows) or `*` lets every role of that account, or anyone,
 * assume it with the permissions meant for one ServiceAccount.
 */
export const IRSA15: TrustRule = {
  id: 'IRSA15',
  level: 'error',
  summary: 'the target role of an EKS Pod Identity association trusts an account root (without an exact `aws:PrincipalArn` ' +
    'condition) or `*`: every role of that account, or anyone, can assume it',
  fix: 'Name the association\'s role ARN as the principal (`PodIdentityTargetRole` writes that trust).',
  checkChain: (policy, chain) => {
    if (chain.targetOf.length === 0) return [];
    const associations = chain.targetOf.map(a => `'${a.path}'`).join(', ');
    return policy.awsStatements.filter(s => s.principals.some(p => p === '*' || (ACCOUNT_PRINCIPAL.test(p) && !pinsPrincipalArn(s))))
      .map(s => error(IRSA15, `the role is the EKS Pod Identity target of ${associations}, and ${s.where} lets ` +
        `${s.principalsShown.join(', ')} assume it, so ${s.principals.includes('*') ? 'anyone' : 'every role of that account'} gets ` +
        'the permissions meant for that ServiceAccount. Name the association\'s role ARN as the principal instead.'));
  },
};

function pinsPrincipalArn(statement: AuditedAwsStatement): boolean {
  return statement.conditions.some(c => PRINCIPAL_ARN_PINS.includes(c.operator) && c.key.toLowerCase() === 'aws:principalarn' &&
    c.values.length > 0 && c.values.every(v => !/[*?]/.test(v.text)));
}
