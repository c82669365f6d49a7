import * as fs from 'fs';
import * as path from 'path';

/* CONTRIBUTING.md's list of which tests back which page of the README and docs/: complete, and naming files that exist. */

const ROOT = path.join(__dirname, '..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');
const PAGES = ['README.md', ...fs.readdirSync(path.join(ROOT, 'docs')).filter(f => f.endsWith('.md')).sort().map(f => `docs/${f}`)];

describe('the list of which tests back which page', () => {
  const list = /<!-- claims:start -->([\s\S]*)<!-- claims:end -->/.exec(read('CONTRIBUTING.md'))![1];
  const rows = list.split('\n').filter(line => line.startsWith('| ') && !line.startsWith('| Page') && !line.startsWith('| ---'));
  const listed = new Map(rows.map(row => {
    const [page, tests] = row.split(' | ').map(cell => cell.replace(/^\| | \|$/g, ''));
    return [page.replace(/`/g, ''), [...tests.matchAll(/`([^`\s]+)`/g)].map(m => m[1])];
  }));

  test('has a row for the README and every page of docs/, and no other', () => {
    expect([...listed.keys()]).toEqual(PAGES);
  });

  test('names only files that exist, at least one per page', () => {
    for (const [page, files] of listed) {
      expect([page, files.length > 0]).toEqual([page, true]);
      for (const file of files) expect([page, file, fs.existsSync(path.join(ROOT, file))]).toEqual([page, file, true]);
    }
  });
});
