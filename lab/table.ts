/** Prints rows under a header, each column as wide as its widest cell. */
export function printTable(header: string[], rows: string[][], log: (line: string) => void): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  log(line(header));
  log(line(widths.map(w => '-'.repeat(w))));
  rows.forEach(r => log(line(r)));
}
