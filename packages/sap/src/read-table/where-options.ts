/** OPTIONS lines: RFC_READ_TABLE concatenates them into a dynamic WHERE; each TEXT is CHAR 72. */
export const OPTION_LINE_CHARS = 72;

/** An ABAP literal: single quotes, an embedded quote doubled. */
export function abapLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Joins WHERE fragments with AND, each parenthesised so a caller's OR cannot escape its group. */
export function andWhere(...parts: Array<string | undefined>): string {
  const present = parts.map((p) => p?.trim()).filter((p): p is string => Boolean(p));
  if (present.length <= 1) return present[0] ?? '';
  return present.map((p) => `( ${p} )`).join(' AND ');
}

/**
 * Splits a WHERE clause into OPTIONS rows of at most 72 characters, breaking only between tokens
 * (a token never spans two lines in ABAP's dynamic WHERE) and never inside a quoted literal.
 */
export function toOptionLines(where: string): Array<{ TEXT: string }> {
  const lines: string[] = [];
  let line = '';
  for (const token of tokens(where)) {
    if (token.length > OPTION_LINE_CHARS) throw new RangeError(`a WHERE token is longer than ${OPTION_LINE_CHARS} characters: ${token.slice(0, 20)}...`);
    const candidate = line === '' ? token : `${line} ${token}`;
    if (candidate.length > OPTION_LINE_CHARS) {
      lines.push(line);
      line = token;
    } else {
      line = candidate;
    }
  }
  if (line !== '') lines.push(line);
  return lines.map((TEXT) => ({ TEXT }));
}

function tokens(where: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (const char of where) {
    // A doubled quote inside a literal flips `quoted` twice, which leaves it right.
    if (char === "'") quoted = !quoted;
    if (!quoted && /\s/.test(char)) {
      if (current !== '') out.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  if (current !== '') out.push(current);
  return out;
}
