import { Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IrsaCluster, ServiceAccountIdentity } from '../../src';
import { readStacks } from '../../src/verify/cloud-assembly';
import { deployedAccountOf } from '../../src/verify/deployed-account';
import { PodIdentityCheck } from '../../src/verify/pod-identity-check';
import { ACCOUNT, ENV, SEED_ISSUER_URL, synthesize } from '../support/app';

/** An app with two clusters' worth of Pod Identity ServiceAccounts, a both-mode one, and a role EKS cannot use. */
function account() {
  const dir = synthesize(app => {
    const stack = new Stack(app, 'S', { env: ENV });
    const prod = new IrsaCluster(stack, 'Prod', { issuerUrl: SEED_ISSUER_URL, clusterName: 'prod' });
    prod.addServiceAccountRole('Orders', { namespace: 'shop', name: 'orders', identity: ServiceAccountIdentity.POD_IDENTITY, roleName: 'orders' });
    prod.addServiceAccountRole('Moving', { namespace: 'shop', name: 'moving', identity: ServiceAccountIdentity.IRSA_AND_POD_IDENTITY, roleName: 'moving' });
    // A role whose trust forgot sts:TagSession, associated by hand.
    const broken = new iam.Role(stack, 'NoTagSession', { roleName: 'no-tag-session', assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com') });
    new eks.CfnPodIdentityAssociation(stack, 'BrokenAssociation', { clusterName: 'prod', namespace: 'shop', serviceAccount: 'broken', roleArn: broken.roleArn });
  });
  return deployedAccountOf(readStacks(dir));
}

describe('PodIdentityCheck', () => {
  test('reads the associations of the account, with their clusters\' ARNs', () => {
    const associations = account().podIdentityAssociations;
    expect(associations.map(a => [a.clusterName, a.clusterArn, a.namespace, a.serviceAccount, a.roleArn, a.disableSessionTags])).toEqual([
      ['prod', `arn:aws:eks:eu-west-2:${ACCOUNT}:cluster/prod`, 'shop', 'orders', `arn:aws:iam::${ACCOUNT}:role/orders`, false],
      ['prod', `arn:aws:eks:eu-west-2:${ACCOUNT}:cluster/prod`, 'shop', 'moving', `arn:aws:iam::${ACCOUNT}:role/moving`, false],
      ['prod', `arn:aws:eks:eu-west-2:${ACCOUNT}:cluster/prod`, 'shop', 'broken', `arn:aws:iam::${ACCOUNT}:role/no-tag-session`, false],
    ]);
  });

  test('gives the associated ServiceAccount its role, in both modes', () => {
    const check = new PodIdentityCheck(account());
    expect(check.check({ clusterName: 'prod', namespace: 'shop', serviceAccount: 'orders' })).toMatchObject({ allowed: true, statement: 0, role: { name: 'orders' } });
    expect(check.check({ clusterName: 'prod', namespace: 'shop', serviceAccount: 'moving' })).toMatchObject({ allowed: true, statement: 1, role: { name: 'moving' } });
  });

  test('finds no association for another ServiceAccount or another cluster', () => {
    const check = new PodIdentityCheck(account());
    expect(check.check({ clusterName: 'prod', namespace: 'shop', serviceAccount: 'billing' }).refusal).toEqual({
      code: 'ResourceNotFoundException',
      message: 'No Pod Identity association found for service account billing in namespace shop of cluster prod',
    });
    expect(check.check({ clusterName: 'staging', namespace: 'shop', serviceAccount: 'orders' }).refusal?.code).toBe('ResourceNotFoundException');
  });

  test('denies a role whose trust lacks sts:TagSession, saying which action failed', () => {
    const decision = new PodIdentityCheck(account()).check({ clusterName: 'prod', namespace: 'shop', serviceAccount: 'broken' });
    expect(decision.refusal).toEqual({
      code: 'AccessDeniedException',
      message: `Pod Identity could not assume arn:aws:iam::${ACCOUNT}:role/no-tag-session: not authorized to perform sts:AssumeRole with session tags`,
    });
    expect(decision.explanation).toEqual(['sts:TagSession: no statement allows sts:TagSession']);
  });

  test('denies a role trusted for another cluster, naming the condition', () => {
    const acct = account();
    const moved = { ...acct, podIdentityAssociations: acct.podIdentityAssociations.map(a => ({ ...a, clusterArn: a.clusterArn.replace('prod', 'other') })) };
    const decision = new PodIdentityCheck(moved).check({ clusterName: 'prod', namespace: 'shop', serviceAccount: 'orders' });
    expect(decision.refusal?.code).toBe('AccessDeniedException');
    expect(decision.explanation).toEqual([`statement 0: StringEquals aws:RequestTag/eks-cluster-arn wants arn:aws:eks:eu-west-2:${ACCOUNT}:cluster/prod, ` +
      `the session has arn:aws:eks:eu-west-2:${ACCOUNT}:cluster/other`]);
  });
});
