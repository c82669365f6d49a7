/*
 * The rule table of IrsaChecks, written where users read it: the "Auditing the whole app" table of docs/security-and-audit.md and the
 * IrsaChecks doc comment (which API.md is made from). Both are made from the pack's own table, src/checks/rule-pack.ts;
 * `npx projen rule-docs` rewrites them, and a test fails when either is out of step.
 */
import * as fs from 'fs';
import * as path from 'path';
import { withMarkedSection } from './marked-section';
import { IRSA_RULES } from '../src/checks/rule-pack';

const ROOT = path.join(__dirname, '..');
/** The docs page with the rule table. */
export const RULE_PAGE = path.join(ROOT, 'docs', 'security-and-audit.md');
export const IRSA_CHECKS_SOURCE = path.join(ROOT, 'src', 'irsa-checks.ts');
const TABLE_START = '<!-- rule table: made by `npx projen rule-docs` from src/checks/rule-pack.ts -->';
const TABLE_END = '<!-- end of rule table -->';
/** The doc comment's rule list: one ` * - IRSAn (level): summary.` line per rule. */
const DOC_COMMENT_RULES = /( \* - IRSA\d+ \([^)]*\): .*\n(?: \*   .*\n)*)+/;

/** The docs page's table: one row per rule. */
export function ruleTable(): string {
  const rows = IRSA_RULES.map(r => `| ${r.id} | ${r.level} | ${r.summary} | ${r.fix} |`);
  return [TABLE_START, '| Rule | Level | Flags | Fix |', '| --- | --- | --- | --- |', ...rows, TABLE_END].join('\n');
}

/** The doc comment's rule list, wrapped at 120 columns like the rest of the source. */
export function docCommentRules(): string {
  return IRSA_RULES.map(r => wrap(`- ${r.id} (${r.level}): ${r.summary}.`)).join('');
}

/** `page` (the text of docs/security-and-audit.md) with its rule table replaced by the current one. */
export function withRuleTable(page: string): string {
  return withMarkedSection('docs/security-and-audit.md', page, TABLE_START, TABLE_END, ruleTable(), 'rule table');
}

/** `source` (src/irsa-checks.ts) with its doc comment's rule list replaced by the current one. */
export function withDocCommentRules(source: string): string {
  if (!DOC_COMMENT_RULES.test(source)) throw new Error('src/irsa-checks.ts has no " * - IRSAn (level): ..." rule list in its doc comment');
  return source.replace(DOC_COMMENT_RULES, docCommentRules());
}

function wrap(text: string): string {
  const lines: string[] = [];
  let line = ' *';
  for (const word of text.split(' ')) {
    if (line.length + 1 + word.length > 120 && line.trim() !== '*') {
      lines.push(line);
      line = ' *  ';
    }
    line += ` ${word}`;
  }
  lines.push(line);
  return lines.map(l => `${l}\n`).join('');
}

if (require.main === module) {
  fs.writeFileSync(RULE_PAGE, withRuleTable(fs.readFileSync(RULE_PAGE, 'utf8')));
  fs.writeFileSync(IRSA_CHECKS_SOURCE, withDocCommentRules(fs.readFileSync(IRSA_CHECKS_SOURCE, 'utf8')));
}
