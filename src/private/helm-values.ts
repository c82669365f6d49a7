/**
 * `ours` merged into `theirs`, the way Helm merges values files: nested objects key by key, anything else replaced.
 * A leaf of `ours` that `theirs` sets to another value is a conflict, returned instead of silently dropping either.
 */
export function mergeHelmValues(theirs: Record<string, unknown>, ours: Record<string, unknown>, path: string[] = []):
{ readonly merged: Record<string, unknown>; readonly conflicts: string[] } {
  const merged: Record<string, unknown> = { ...theirs };
  const conflicts: string[] = [];
  for (const [key, value] of Object.entries(ours)) {
    const existing = theirs[key];
    if (isPlainObject(value) && isPlainObject(existing)) {
      const inner = mergeHelmValues(existing, value, [...path, key]);
      merged[key] = inner.merged;
      conflicts.push(...inner.conflicts);
    } else {
      if (existing !== undefined && JSON.stringify(existing) !== JSON.stringify(value)) conflicts.push([...path, key].join('.'));
      merged[key] = value;
    }
  }
  return { merged, conflicts };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
