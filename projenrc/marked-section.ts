/** `text` (the page `page`) with what stands between the `start` and `end` markers (markers included) replaced by `section`. */
export function withMarkedSection(page: string, text: string, start: string, end: string, section: string, what: string): string {
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${page} has no ${what} between "${start}" and "${end}"`);
  return text.slice(0, from) + section + text.slice(to + end.length);
}
