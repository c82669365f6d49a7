import { DeployedAccount } from '../../src/verify/deployed-account';

/** An account with one OIDC provider and one role that trusts `testing/app` of its issuer, and a fixed clock. */
export const ISSUER_URL = 'https://oidc.eks.eu-west-2.amazonaws.com/id/ABC';
export const ISSUER = ISSUER_URL.slice('https://'.length);
export const PROVIDER_ARN = `arn:aws:iam::123456789012:oidc-provider/${ISSUER}`;
export const ROLE_ARN = 'arn:aws:iam::123456789012:role/irsa/app';
export const NOW = new Date('2026-11-29T12:00:00Z');

export const ONE_ROLE_ACCOUNT: DeployedAccount = {
  account: '123456789012',
  partition: 'aws',
  providers: [{ arn: PROVIDER_ARN, url: ISSUER_URL, clientIds: ['sts.amazonaws.com'], source: 'S/Provider' }],
  roles: [{
    arn: ROLE_ARN,
    name: 'app',
    source: 'S/Role',
    maxSessionDurationSeconds: 3600,
    webIdentity: true,
    podIdentity: false,
    trustPolicy: {
      Version: '2012-10-17',
      Statement: [{
        Effect: 'Allow',
        Action: 'sts:AssumeRoleWithWebIdentity',
        Principal: { Federated: PROVIDER_ARN },
        Condition: { StringEquals: { [`${ISSUER}:sub`]: 'system:serviceaccount:testing:app', [`${ISSUER}:aud`]: 'sts.amazonaws.com' } },
      }],
    },
  }],
  podIdentityAssociations: [],
  unresolved: [],
};
