import { Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import { buildCrossAccountApp } from '../../examples/cross-account/app';
import { IrsaCluster, ServiceAccountIdentity } from '../../src';
import { readStacks } from '../../src/verify/cloud-assembly';
import { DeployedAccount, deployedAccountOf } from '../../src/verify/deployed-account';
import { PodIdentityCheck } from '../../src/verify/pod-identity-check';
import { ACCOUNT, ENV, SEED_ISSUER_URL, synthesize, testApp } from '../support/app';

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

describe('PodIdentityCheck with target roles', () => {
  /** The cross-account example, with what a deployment would leave behind. */
  function crossAccount(change: (account: DeployedAccount) => DeployedAccount = a => a) {
    return new PodIdentityCheck(change(deployedAccountOf(readStacks(buildCrossAccountApp(testApp()).synth().directory))));
  }
  const orders = { clusterName: 'shop', namespace: 'shop', serviceAccount: 'orders' };

  test('follows the association to its target: the pods get the target role, after the association\'s own', () => {
    const decision = crossAccount().check(orders);
    expect(decision).toMatchObject({ allowed: true, statement: 0 });
    expect(decision.associationRole!.arn).toMatch(/^arn:aws:iam::111111111111:role\/ShopCluster-Shop-Orders-/);
    expect(decision.role!.arn).toMatch(/^arn:aws:iam::222222222222:role\/ShopData-OrdersReader-/);
  });

  test('refuses when the association role may not assume the target, naming the missing permission', () => {
    const decision = crossAccount(deployed => ({
      ...deployed,
      roles: deployed.roles.map(r => (r.name.startsWith('ShopCluster-Shop-Orders-') ? { ...r, permissions: [] } : r)),
    })).check(orders);
    expect(decision.allowed).toBe(false);
    expect(decision.refusal!.code).toBe('AccessDeniedException');
    expect(decision.explanation).toEqual([expect.stringMatching(/: no identity-policy statement of the role allows sts:AssumeRole on arn:aws:iam::222222222222:role\/ShopData-OrdersReader-/)]);
  });

  test('refuses a target whose trust the chain does not satisfy: another association\'s role, or another ExternalId', () => {
    // The audit role's permissions name its own target; without them only the trust decides.
    const wrongTags = crossAccount(deployed => ({
      ...deployed,
      roles: deployed.roles.map(r => (r.name.startsWith('ShopCluster-Shop-Audit-') ? { ...r, permissions: undefined } : r)),
      podIdentityAssociations: deployed.podIdentityAssociations.map(a => (a.serviceAccount === 'audit' ? { ...a, targetRoleArn: deployed.podIdentityAssociations[0].targetRoleArn } : a)),
    })).check({ ...orders, serviceAccount: 'audit' });
    expect(wrongTags.explanation.join('\n')).toMatch(/the target role's trust: statement 0: the principal is arn:aws:iam::111111111111:role\/ShopCluster-Shop-Orders-[0-9A-F]{8}, not arn:aws:iam::111111111111:role\/ShopCluster-Shop-Audit-/);
    const forged = crossAccount(deployed => ({
      ...deployed,
      podIdentityAssociations: deployed.podIdentityAssociations.map(a => (a.serviceAccount === 'audit' ? { ...a, externalId: 'forged' } : a)),
    })).check({ ...orders, serviceAccount: 'audit' });
    expect(forged.explanation.join('\n')).toMatch(/the target role's trust: statement 0: .*sts:ExternalId/);
  });

  test('reads the association\'s target and a stand-in ExternalId, which the target\'s trust, read the same way, requires', () => {
    const deployed = deployedAccountOf(readStacks(buildCrossAccountApp(testApp()).synth().directory));
    const audit = deployed.podIdentityAssociations.find(a => a.serviceAccount === 'audit')!;
    expect(audit.externalId).toBe('eu-west-1/111111111111/shop/shop/audit');
    const target = deployed.roles.find(r => r.arn === audit.targetRoleArn)!;
    expect(target.trustPolicy.Statement[0].Condition.StringEquals['sts:ExternalId']).toBe(audit.externalId);
  });
});
