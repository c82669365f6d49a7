import { chain, exactTargetTrust, TARGET_ROLE_ARN } from '../support/role-chain';
import { audit, rulesOf } from '../support/trust-audit';

describe('IRSA17: an association role that may do more than assume its target', () => {
  test('IRSA17: flags a permission pods of the association never get', () => {
    const permissions = [
      { Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:TagSession'], Resource: TARGET_ROLE_ARN },
      { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::orders/*' },
    ];
    const { cluster } = chain({ targetTrust: exactTargetTrust(), permissions });
    expect(audit(cluster)).toEqual([{
      path: '/Cluster/AssociationRole',
      level: 'warning',
      message: "[IRSA17] Role 'Cluster/AssociationRole': its associations name the target role \"arn:aws:iam::222222222222:role/orders-reader\", " +
        "so pods get only the target's permissions, but the role may also do more: " +
        '{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::orders/*"}. Grant those to the target role, and leave this ' +
        'role only sts:AssumeRole and sts:TagSession on it. [ack: IRSA17]',
    }]);
    const anyRole = [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }];
    expect(rulesOf(audit(chain({ targetTrust: exactTargetTrust(), permissions: anyRole }).cluster))).toEqual(['warning IRSA17']);
  });

  test('passes exactly sts:AssumeRole and sts:TagSession on the target, and a Deny', () => {
    expect(audit(chain({ targetTrust: exactTargetTrust() }).cluster)).toEqual([]);
    const withDeny = [
      { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: TARGET_ROLE_ARN },
      { Effect: 'Deny', Action: '*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
    ];
    expect(audit(chain({ targetTrust: exactTargetTrust(), permissions: withDeny }).cluster)).toEqual([]);
  });
});
