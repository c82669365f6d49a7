import { buildExampleApp } from '../../examples/app';
import { runDemo } from '../../lab/demo';
import { testApp } from '../support/app';

jest.setTimeout(120_000);

describe('the demo', () => {
  test('admits only the example\'s ServiceAccount, with every other pod refused as STS would', async () => {
    // GIVEN the example app, synthesized
    const assembly = buildExampleApp(testApp()).synth().directory;

    // WHEN
    const lines: string[] = [];
    const code = await runDemo(assembly, line => lines.push(line));

    // THEN
    const output = lines.join('\n');
    expect(code).toBe(0);
    expect(output).not.toContain('UNEXPECTED');
    expect(lines.filter(l => l.startsWith('ok  '))).toHaveLength(7);
    expect(output).toContain('All 7 pods ended as expected: only testing/can-do-stuff-on-aws can assume the role.');
    expect(output).toContain('statement 0: StringEquals oidc.eks.eu-west-2.amazonaws.com/id/0524940DCDEE3C59B6B1ABEFCE8BB2A2:sub wants system:serviceaccount:testing:can-do-stuff-on-aws');
  });
});
