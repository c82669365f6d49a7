import * as fs from 'fs';
import * as path from 'path';

/* API.md, which Construct Hub shows: every type has a description, and every construct an example. */

const api = fs.readFileSync(path.join(__dirname, '..', 'API.md'), 'utf8');
const sections = (heading: string) => api.split(/^## /m).find(s => s.startsWith(heading))!.split(/^### /m).slice(1);
const nameOf = (section: string) => section.split(' ')[0];
/** The first line after the heading that is not blank and not an `Implements`, `Implemented By` or `Extends` line. */
const description = (section: string) => section.split('\n').slice(1).find(line => line.trim() !== '' && !/^- \*(Implements|Implemented By|Extends):/.test(line)) ?? '';

test('every type has a description', () => {
  const types = ['Constructs', 'Structs', 'Classes', 'Protocols', 'Enums'].flatMap(h => (api.includes(`## ${h} `) ? sections(h) : []));
  expect(types.length).toBeGreaterThan(30);
  expect(types.filter(t => /^(#|```|- \*|\|)/.test(description(t))).map(nameOf)).toEqual([]);
});

test('every construct has an example', () => {
  const constructs = sections('Constructs');
  expect(constructs.map(nameOf)).toContain('IrsaServiceAccount');
  expect(constructs.filter(c => !c.split(/^#### /m)[0].includes('*Example*')).map(nameOf)).toEqual([]);
});
