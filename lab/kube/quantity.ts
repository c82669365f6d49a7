/**
 * Kubernetes resource quantities (`2048Mi`, `500m`, `1.5G`, `1e3`), as the API server parses them: it stores each in
 * its canonical form (`2048Mi` is read back as `2Gi`), so a read-back compares values, not strings.
 */
const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

const MULTIPLIERS: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

/** The value of a quantity string, or undefined if `text` is not one. */
export function quantityValue(text: string): number | undefined {
  const match = QUANTITY.exec(text);
  if (!match) return undefined;
  const [, number, suffix] = match;
  if (!suffix) return Number(number);
  if (/^[eE]/.test(suffix)) return Number(`${number}${suffix}`);
  return Number(number) * MULTIPLIERS[suffix];
}

/** Whether two strings are the same quantity written two ways. */
export function sameQuantity(a: string, b: string): boolean {
  const x = quantityValue(a);
  const y = quantityValue(b);
  return x !== undefined && y !== undefined && x === y;
}
