import * as fs from 'fs';
import * as path from 'path';

/* CONTRIBUTING.md's list of which tests back which README section: complete, and naming files that exist. */

const ROOT = path.join(__dirname, '..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

describe('the list of which tests back which README section', () => {
  const list = /<!-- claims:start -->([\s\S]*)<!-- claims:end -->/.exec(read('CONTRIBUTING.md'))![1];
  const rows = list.split('\n').filter(line => line.startsWith('| ') && !line.startsWith('| README section') && !line.startsWith('| ---'));
  const listed = new Map(rows.map(row => {
    const [section, tests] = row.split(' | ').map(cell => cell.replace(/^\| | \|$/g, ''));
    return [section, [...tests.matchAll(/`([^`\s]+)`/g)].map(m => m[1])];
  }));

  test('has a row for every section of the README, and no other', () => {
    const sections = read('README.md').split('\n').filter(line => line.startsWith('## ')).map(line => line.slice(3));
    expect([...listed.keys()]).toEqual(sections);
  });

  test('names only files that exist, at least one per section', () => {
    for (const [section, files] of listed) {
      expect([section, files.length > 0]).toEqual([section, true]);
      for (const file of files) expect([section, file, fs.existsSync(path.join(ROOT, file))]).toEqual([section, file, true]);
    }
  });
});
