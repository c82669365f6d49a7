import { buildExampleApp } from '../../examples/app';
import { buildCrossAccountApp } from '../../examples/cross-account/app';
import { runDemo } from '../../lab/demo';
import { testApp } from '../support/app';

jest.setTimeout(120_000);

describe('the demo', () => {
  test('admits only the example\'s ServiceAccounts, with every other pod refused as STS or EKS Auth would', async () => {
    // GIVEN the example apps, synthesized
    const assembly = buildExampleApp(testApp()).synth().directory;
    const crossAccount = buildCrossAccountApp(testApp()).synth().directory;

    // WHEN
    const lines: string[] = [];
    const code = await runDemo(assembly, line => lines.push(line), crossAccount);

    // THEN
    const output = lines.join('\n');
    expect(code).toBe(0);
    expect(output).not.toContain('UNEXPECTED');
    expect(lines.filter(l => l.startsWith('ok  '))).toHaveLength(20);
    expect(output).toContain('All 20 pods ended as expected: only the ServiceAccounts named in each trust get their role.');
    expect(output).toContain('statement 0: StringEquals oidc.eks.eu-west-2.amazonaws.com/id/0524940DCDEE3C59B6B1ABEFCE8BB2A2:sub wants system:serviceaccount:testing:can-do-stuff-on-aws');
    // The path each pod took shows in its session name: EKS names its own, the SDK names web-identity sessions.
    expect(lines.find(l => l.includes('Pod Identity: the right ServiceAccount'))).toMatch(/assumed-role\/IrsaExample-Irsa-Reports-[0-9A-F]{8}\/eks-example-reports-0-/);
    expect(lines.find(l => l.includes('IRSA and Pod Identity env'))).toMatch(/assumed-role\/IrsaExample-Irsa-Migrating-[0-9A-F]{8}\/aws-sdk-js-session-/);
    expect(lines.find(l => l.includes('a role without sts:TagSession'))).toContain('AccessDeniedException: Pod Identity could not assume');
    // Across accounts: the pod ends up as the data account's target role, EKS having assumed both roles.
    expect(lines.find(l => l.includes('target role: the right ServiceAccount')))
      .toMatch(/assumed arn:aws:sts::222222222222:assumed-role\/ShopData-OrdersReader-[0-9A-F]{8}\/eks-shop-orders-0-/);
    expect(lines.find(l => l.includes('another association\'s role'))).toMatch(/AccessDeniedException: Pod Identity could not assume the target role .* with .*intruder-pod-identity$/);
    expect(lines.find(l => l.includes('a forged ExternalId'))).toMatch(/AccessDeniedException: Pod Identity could not assume the target role .*AuditWriter/);
    expect(lines.find(l => l.includes('IRSA across accounts  '))).toMatch(/assumed arn:aws:sts::222222222222:assumed-role\/ShopData-ShopIssuer-Reports-/);
    expect(output).toMatch(/ALLOWED {2}arn:aws:iam::222222222222:role\/ShopData-OrdersReader-[0-9A-F]{8} .* after arn:aws:iam::111111111111:role\/ShopCluster-Shop-Orders-[0-9A-F]{8} .*: the target's trust statement 0 matches/);
  });
});
