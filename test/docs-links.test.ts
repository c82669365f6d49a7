import * as fs from 'fs';
import * as path from 'path';

/* Links between the Markdown pages of the repository point at files that exist, and at headings those files have. */

const ROOT = path.join(__dirname, '..');
const PAGES = ['README.md', 'CONTRIBUTING.md', 'CHANGELOG.md', ...fs.readdirSync(path.join(ROOT, 'docs')).map(f => `docs/${f}`)];
const withoutCode = (text: string) => text.replace(/```[\s\S]*?```/g, '');

/** The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces as dashes, repeats numbered. */
function anchorsOf(file: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const [, heading] of withoutCode(fs.readFileSync(file, 'utf8')).matchAll(/^#{1,6} (.+)$/gm)) {
    const slug = heading.toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return anchors;
}

test.each(PAGES)('%s links only to files and headings that exist', page => {
  const targets = [...withoutCode(fs.readFileSync(path.join(ROOT, page), 'utf8')).matchAll(/\]\(([^)\s]+)\)/g)]
    .map(m => m[1]).filter(t => !/^(https?:|mailto:)/.test(t));
  const broken = targets.filter(target => {
    const [file, anchor] = target.split('#');
    const resolved = file === '' ? path.join(ROOT, page) : path.join(ROOT, path.dirname(page), file);
    if (!fs.existsSync(resolved)) return true;
    return anchor !== undefined && resolved.endsWith('.md') && !anchorsOf(resolved).has(anchor);
  });
  expect(broken).toEqual([]);
});

test('a link to a heading that is not there is noticed', () => {
  expect(anchorsOf(path.join(ROOT, 'docs', 'verify-and-lab.md'))).toContain('what-npm-run-demo-prints');
  expect(anchorsOf(path.join(ROOT, 'docs', 'verify-and-lab.md'))).not.toContain('what-npm-run-demo-printed');
});
