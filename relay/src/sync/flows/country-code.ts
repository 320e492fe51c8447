const names = new Intl.DisplayNames(['en'], { type: 'region' });
const A = 'A'.charCodeAt(0);

/** English country name (as Zoho users type it) -> ISO code, built once from the runtime's own table. */
const BY_NAME = new Map<string, string>();
for (let i = 0; i < 26 * 26; i += 1) {
  const code = String.fromCharCode(A + Math.floor(i / 26), A + (i % 26));
  const name = names.of(code);
  if (name && name !== code) BY_NAME.set(name.toLowerCase(), code);
}

/**
 * SAP keeps countries as keys (LAND1, e.g. DE); Zoho keeps what a user typed ("Germany", "DE").
 * A code passes through upper-cased, a known English name becomes its code, anything else is kept.
 */
export function countryCode(value: string | null): string | null {
  if (value === null) return null;
  const trimmed = value.trim();
  if (/^[A-Za-z]{2,3}$/.test(trimmed)) return trimmed.toUpperCase();
  return BY_NAME.get(trimmed.toLowerCase()) ?? trimmed;
}
