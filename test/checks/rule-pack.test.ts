import * as fs from 'fs';
import * as path from 'path';
import { docCommentRules, IRSA_CHECKS_SOURCE, RULE_PAGE, withDocCommentRules, withRuleTable } from '../../projenrc/rule-docs';
import { IRSA_RULES } from '../../src/checks/rule-pack';
import { AUD, audit, rulesOf, stackWithRole, statement, SUB } from '../support/trust-audit';

describe('the IrsaChecks rule pack', () => {
  test('has one rule per file, named after it, with IDs in order', () => {
    const files = fs.readdirSync(path.join(__dirname, '..', '..', 'src', 'checks')).filter(f => /^irsa\d+-/.test(f)).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    expect(files.map(f => f.split('-')[0].toUpperCase())).toEqual(IRSA_RULES.map(r => r.id));
    expect(IRSA_RULES.map(r => r.id)).toEqual(IRSA_RULES.map((_, i) => `IRSA${i + 1}`));
    for (const rule of IRSA_RULES) {
      expect([rule.summary.length > 0, rule.fix.endsWith('.'), [rule.checkCondition, rule.checkStatement, rule.checkPodIdentity, rule.checkPolicy, rule.checkChain].some(Boolean)]).toEqual([true, true, true]);
    }
  });

  test('is the table of docs/security-and-audit.md: `npx projen rule-docs` would change nothing', () => {
    const page = fs.readFileSync(RULE_PAGE, 'utf8');
    expect(withRuleTable(page)).toBe(page);
  });

  test('is the IrsaChecks doc comment, and so API.md: `npx projen rule-docs` would change nothing', () => {
    const source = fs.readFileSync(IRSA_CHECKS_SOURCE, 'utf8');
    expect(withDocCommentRules(source)).toBe(source);
    expect(source).toContain(docCommentRules());
  });

  test('a source without the doc comment\'s rule list is an error, not a silent no-op', () => {
    expect(() => withDocCommentRules('/** IrsaChecks. */'))
      .toThrow(new Error('src/irsa-checks.ts has no " * - IRSAn (level): ..." rule list in its doc comment'));
  });

  test('a docs table out of step is noticed', () => {
    const page = fs.readFileSync(RULE_PAGE, 'utf8');
    const edited = page.replace('| IRSA5 | error |', '| IRSA5 | warning |');
    expect(edited).not.toBe(page);
    expect(withRuleTable(edited)).toBe(page);
  });

  test('reports, per statement, findings about its conditions before findings about the statement', () => {
    const reported = audit(stackWithRole(statement({ Condition: { StringEquals: { [SUB]: 'system:serviceaccount:ns:sa' }, StringEqualsIfExists: { [AUD]: 'sts.amazonaws.com' } } })));
    expect(rulesOf(reported)).toEqual(['error IRSA3', 'error IRSA2']);
  });
});
