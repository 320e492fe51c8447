/** Equality of two flat value maps regardless of key order (jsonb does not keep it). */
export function sameValues(a: Record<string, unknown> | null | undefined, b: Record<string, unknown> | null | undefined): boolean {
  if (!a || !b) return false;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) if (!sameValue(a[key], b[key])) return false;
  return true;
}

export function sameValue(a: unknown, b: unknown): boolean {
  return normalize(a) === normalize(b);
}

/** null, undefined and '' all mean "empty" to both SAP (blank CHAR) and Zoho (null). */
function normalize(value: unknown): string {
  if (value === null || value === undefined || value === '') return '';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return /^-?\d+(\.\d+)?$/.test(value) ? String(Number(value)) : value;
  return JSON.stringify(value);
}
