import { error, Finding, TrustRule, warning } from './trust-rule';
import { POD_IDENTITY_SERVICE_PRINCIPAL } from '../private/irsa-constants';

/**
 * Condition keys EKS Pod Identity's `sts:AssumeRole` request is known to carry, besides its request tags (IRSA13's
 * concern): the properties of every request that IAM's global condition key reference lists, the tag keys, and
 * `aws:SourceAccount` (reported to work in awslabs/mountpoint-s3-csi-driver#781). No AWS page lists the keys EKS Auth
 * sets, so any other key is unknown.
 */
const KNOWN_KEYS = [
  'aws:currenttime', 'aws:epochtime', 'aws:securetransport', 'aws:requestedregion', 'aws:principalisawsservice',
  'aws:principalservicename', 'aws:tagkeys', 'aws:sourceaccount',
];
/** Keys known to be absent: an `aws:SourceArn` condition broke EKS Pod Identity in awslabs/mountpoint-s3-csi-driver#781. */
const ABSENT_KEYS = ['aws:sourcearn'];

/**
 * IRSA19: a condition that needs a key the request does not carry never holds (unless its operator tolerates an
 * absent key: `…IfExists`, `Null`, `ForAllValues:`, or a negated operator), so no pod gets credentials.
 */
export const IRSA19: TrustRule = {
  id: 'IRSA19',
  level: 'warning, or error',
  summary: `a condition for \`${POD_IDENTITY_SERVICE_PRINCIPAL}\` on a key EKS Pod Identity's request does not carry ` +
    '(`aws:SourceArn`: an error) or is not known to carry (a warning): the condition never holds and pods get no credentials',
  fix: 'Pin the role with the session tags (`aws:RequestTag/…`) instead, or make the operator `…IfExists`.',
  checkPodIdentity: statement => statement.conditions.flatMap((c): Finding[] => {
    const key = (JSON.parse(c.keyShown) as string).toLowerCase();
    if (c.requestTag !== undefined || key.startsWith('aws:requesttag/') || KNOWN_KEYS.includes(key) || toleratesAbsentKey(c.operator)) return [];
    const fix = 'Pin the role with the session tags EKS Pod Identity sets (aws:RequestTag/eks-cluster-arn, kubernetes-namespace, ' +
      `kubernetes-service-account) instead, or use ${c.operator}IfExists.`;
    if (ABSENT_KEYS.includes(key)) {
      return [error(IRSA19, `${statement.where} requires ${c.keyShown} with ${c.operator}, but EKS Pod Identity's sts:AssumeRole ` +
        `request does not carry it (see awslabs/mountpoint-s3-csi-driver#781), so the condition never holds and no pod gets credentials. ${fix}`)];
    }
    return [warning(IRSA19, `${statement.where} requires ${c.keyShown} with ${c.operator}, which EKS Pod Identity's sts:AssumeRole ` +
      `request is not known to carry; if it does not, the condition never holds and no pod gets credentials. ${fix}`)];
  }),
};

/** Whether an operator holds (or is skipped) when its key is absent from the request. */
function toleratesAbsentKey(operator: string): boolean {
  return operator.endsWith('IfExists') || operator === 'Null' || operator.startsWith('ForAllValues:') || /Not/.test(operator);
}
