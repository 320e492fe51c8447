/**
 * api1's `where` predicates (`left(BPCNAM,4) eq 'Test'`, `CRY eq 'FR' and OSTAUZ gt 1000`) and
 * `orderBy` criteria (`BPCNAM desc, BPCNUM asc`, or `;`-separated), over a record's columns.
 * X3 answers an unknown property in `where` with HTTP 500; so does this (WhereError).
 */
export type Row = Record<string, unknown>;
export type Predicate = (row: Row) => boolean;

export class WhereError extends Error {
  override readonly name = 'WhereError';
}

const COMPARATORS = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'] as const;
type Comparator = (typeof COMPARATORS)[number];

const TOKEN = /\s*(?:(\()|(\))|(,)|'((?:[^']|'')*)'|(-?\d+(?:\.\d+)?)|([A-Za-z_][A-Za-z0-9_]*))/y;

type Token = { kind: '(' | ')' | ',' } | { kind: 'string'; value: string } | { kind: 'number'; value: number } | { kind: 'word'; value: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    if (/^\s*$/.test(text.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(text);
    if (!match) throw new WhereError(`cannot parse where at character ${at}: "${text.slice(at, at + 20)}"`);
    if (match[1]) tokens.push({ kind: '(' });
    else if (match[2]) tokens.push({ kind: ')' });
    else if (match[3]) tokens.push({ kind: ',' });
    else if (match[4] !== undefined) tokens.push({ kind: 'string', value: match[4].replaceAll("''", "'") });
    else if (match[5] !== undefined) tokens.push({ kind: 'number', value: Number(match[5]) });
    else tokens.push({ kind: 'word', value: match[6] });
  }
  return tokens;
}

function compare(left: unknown, op: Comparator, right: string | number): boolean {
  const l = typeof right === 'number' ? Number(left) : String(left);
  switch (op) {
    case 'eq':
      return l === right;
    case 'ne':
      return l !== right;
    case 'gt':
      return l > right;
    case 'ge':
      return l >= right;
    case 'lt':
      return l < right;
    case 'le':
      return l <= right;
  }
}

/** Parses a where clause into a predicate; `columns` are the properties the representation has. */
export function parseWhere(text: string, columns: ReadonlySet<string>): Predicate {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const expect = (kind: Token['kind']): Token => {
    const token = tokens[pos];
    if (token?.kind !== kind) throw new WhereError(`where: expected "${kind}" at token ${pos + 1}`);
    pos += 1;
    return token;
  };
  const isWord = (token: Token | undefined, word: string): boolean => token?.kind === 'word' && token.value.toLowerCase() === word;
  const property = (name: string): string => {
    if (!columns.has(name)) throw new WhereError(`where: unknown property ${name}`);
    return name;
  };

  const operand = (): ((row: Row) => unknown) => {
    const token = expect('word') as { value: string };
    if (token.value.toLowerCase() === 'left' && peek()?.kind === '(') {
      expect('(');
      const name = property((expect('word') as { value: string }).value);
      expect(',');
      const length = (expect('number') as { value: number }).value;
      expect(')');
      return (row) => String(row[name] ?? '').slice(0, length);
    }
    const name = property(token.value);
    return (row) => row[name];
  };

  const comparison = (): Predicate => {
    if (peek()?.kind === '(') {
      expect('(');
      const inner = disjunction();
      expect(')');
      return inner;
    }
    const left = operand();
    const opToken = expect('word') as { value: string };
    const op = opToken.value.toLowerCase() as Comparator;
    if (!COMPARATORS.includes(op)) throw new WhereError(`where: unknown operator ${opToken.value}`);
    const value = tokens[pos];
    pos += 1;
    if (value?.kind !== 'string' && value?.kind !== 'number') throw new WhereError('where: expected a quoted string or a number after the operator');
    return (row) => compare(left(row), op, value.value);
  };

  const conjunction = (): Predicate => {
    const parts = [comparison()];
    while (isWord(peek(), 'and')) {
      pos += 1;
      parts.push(comparison());
    }
    return (row) => parts.every((part) => part(row));
  };

  const disjunction = (): Predicate => {
    const parts = [conjunction()];
    while (isWord(peek(), 'or')) {
      pos += 1;
      parts.push(conjunction());
    }
    return (row) => parts.some((part) => part(row));
  };

  const predicate = disjunction();
  if (pos !== tokens.length) throw new WhereError(`where: unexpected text after token ${pos}`);
  return predicate;
}

export interface SortKey {
  property: string;
  descending: boolean;
}

export function parseOrderBy(text: string, columns: ReadonlySet<string>): SortKey[] {
  return text.split(/[,;]/).map((part) => part.trim()).filter(Boolean).map((part) => {
    const [property, direction = 'asc', ...rest] = part.split(/\s+/);
    if (rest.length > 0 || !/^(asc|desc)$/i.test(direction)) throw new WhereError(`orderBy: cannot read "${part}"`);
    if (!columns.has(property)) throw new WhereError(`orderBy: unknown property ${property}`);
    return { property, descending: direction.toLowerCase() === 'desc' };
  });
}

/** `key=gt.0143`: the keyset paging condition on the class's key. */
export function parseKeyCondition(text: string, numeric = false): (key: string) => boolean {
  const match = /^(gt|ge|lt|le|eq)\.(.*)$/.exec(text);
  if (!match) throw new WhereError(`key: expected gt.VALUE, ge.VALUE, lt.VALUE, le.VALUE or eq.VALUE, got "${text}"`);
  const op = match[1] as Comparator;
  // A numeric key (STOCK's STOCOU) pages in number order, as X3 sorts it.
  const value = numeric ? Number(match[2]) : match[2];
  return (key) => compare(key, op, value);
}
