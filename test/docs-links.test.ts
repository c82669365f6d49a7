import * as fs from 'fs';
import * as path from 'path';

/* Links between the Markdown pages of the repository point at files that exist. */

const ROOT = path.join(__dirname, '..');
const PAGES = ['README.md', 'CONTRIBUTING.md', 'CHANGELOG.md', ...fs.readdirSync(path.join(ROOT, 'docs')).map(f => `docs/${f}`)];

test.each(PAGES)('%s links only to files that exist', page => {
  const text = fs.readFileSync(path.join(ROOT, page), 'utf8').replace(/```[\s\S]*?```/g, '');
  const targets = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map(m => m[1]).filter(t => !/^(https?:|#|mailto:)/.test(t));
  const missing = targets.filter(t => !fs.existsSync(path.join(ROOT, path.dirname(page), t.split('#')[0])));
  expect(missing).toEqual([]);
});
