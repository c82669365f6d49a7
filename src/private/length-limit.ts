/**
 * ` (65 characters, at most 63)` when `value` is longer than `limit`, else nothing: the part of a message that says by
 * how much. `part` names what is too long when it is a part of the value (`its prefix is `).
 */
export function overLimit(value: string, limit: number, part = ''): string {
  return value.length > limit ? ` (${part}${value.length} characters, at most ${limit})` : '';
}
