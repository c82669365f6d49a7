import { withMarkedSection } from '../../projenrc/marked-section';

describe('withMarkedSection', () => {
  test('replaces the markers and what stands between them, and nothing else', () => {
    expect(withMarkedSection('docs/x.md', 'a <!-- s --> old <!-- e --> b', '<!-- s -->', '<!-- e -->', '<!-- s --> new <!-- e -->', 'table'))
      .toBe('a <!-- s --> new <!-- e --> b');
  });

  test.each([
    ['no markers', 'text'],
    ['the end before the start', '<!-- e --> <!-- s -->'],
  ])('fails on %s, naming what it looks for', (_, text) => {
    expect(() => withMarkedSection('docs/x.md', text, '<!-- s -->', '<!-- e -->', 'x', 'rule table'))
      .toThrow(new Error('docs/x.md has no rule table between "<!-- s -->" and "<!-- e -->"'));
  });
});
