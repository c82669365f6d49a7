import { buildExampleApp } from '../../examples/app';
import { runDemo } from '../../lab/demo';
import { testApp } from '../support/app';

jest.setTimeout(120_000);

describe('the demo', () => {
  test('admits only the example\'s ServiceAccounts, with every other pod refused as STS or EKS Auth would', async () => {
    // GIVEN the example app, synthesized
    const assembly = buildExampleApp(testApp()).synth().directory;

    // WHEN
    const lines: string[] = [];
    const code = await runDemo(assembly, line => lines.push(line));

    // THEN
    const output = lines.join('\n');
    expect(code).toBe(0);
    expect(output).not.toContain('UNEXPECTED');
    expect(lines.filter(l => l.startsWith('ok  '))).toHaveLength(13);
    expect(output).toContain('All 13 pods ended as expected: only the ServiceAccounts named in each trust get their role.');
    expect(output).toContain('statement 0: StringEquals oidc.eks.eu-west-2.amazonaws.com/id/0524940DCDEE3C59B6B1ABEFCE8BB2A2:sub wants system:serviceaccount:testing:can-do-stuff-on-aws');
    // The path each pod took shows in its session name: EKS names its own, the SDK names web-identity sessions.
    expect(lines.find(l => l.includes('Pod Identity: the right ServiceAccount'))).toMatch(/assumed-role\/IrsaExample-Irsa-Reports-[0-9A-F]{8}\/eks-example-reports-0-/);
    expect(lines.find(l => l.includes('IRSA and Pod Identity env'))).toMatch(/assumed-role\/IrsaExample-Irsa-Migrating-[0-9A-F]{8}\/aws-sdk-js-session-/);
    expect(lines.find(l => l.includes('a role without sts:TagSession'))).toContain('AccessDeniedException: Pod Identity could not assume');
  });
});
