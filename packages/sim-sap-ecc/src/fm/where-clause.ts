import { coerce, compareFieldValues, fieldOf, leadingKey, type FieldDef, type TableDef } from '../ddic/ddic.js';
import type { Row } from '../store/table-store.js';

/**
 * The dynamic WHERE subset RFC_READ_TABLE accepts in OPTIONS: comparisons (=, <>, <, >, <=, >=
 * and EQ/NE/LT/GT/LE/GE), [NOT] LIKE, [NOT] IN (...), [NOT] BETWEEN, AND, OR, NOT and parentheses.
 * As in Open SQL, a literal is converted to the column's type first: EBELP = '10' matches 00010,
 * but KUNNR = '1' does not match 0000000001 (CHAR, no ALPHA conversion).
 */
export class WhereError extends Error {}

export type Predicate = (row: Row) => boolean;

/** Bounds on the leading key field, both inclusive, in the column's internal format. */
export interface KeyRange {
  low?: string;
  high?: string;
}

export interface CompiledWhere {
  test: Predicate;
  /** True when an ANDed top-level condition restricts the leading key field (a keyed range). */
  keyed: boolean;
  /** Where those conditions confine the leading key, so a key-ordered table can seek and stop early. */
  range: KeyRange;
}

type Token = { kind: 'id' | 'lit' | 'op' | 'punct'; text: string };

const OPS = new Map([['=', '='], ['EQ', '='], ['<>', '<>'], ['NE', '<>'], ['<', '<'], ['LT', '<'], ['>', '>'], ['GT', '>'], ['<=', '<='], ['LE', '<='], ['>=', '>='], ['GE', '>=']]);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(?:'((?:[^']|'')*)'|(<>|<=|>=|=|<|>)|([(),])|([A-Za-z0-9_/~.\-+]+))/y;
  let pos = 0;
  while (pos < text.length) {
    if (/^\s*$/.test(text.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) throw new WhereError(`cannot read '${text.slice(pos, pos + 20)}'`);
    pos = re.lastIndex;
    if (m[1] !== undefined) tokens.push({ kind: 'lit', text: m[1].replace(/''/g, "'") });
    else if (m[2]) tokens.push({ kind: 'op', text: m[2] });
    else if (m[3]) tokens.push({ kind: 'punct', text: m[3] });
    else tokens.push({ kind: 'id', text: m[4] });
  }
  return tokens;
}

const compareValues = compareFieldValues;

function likeRegex(pattern: string): RegExp {
  const body = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.');
  return new RegExp(`^${body}$`, 's');
}

class Parser {
  private i = 0;
  keyedFields = new Set<string>();
  range: KeyRange = {};

  constructor(private readonly tokens: Token[], private readonly def: TableDef, private readonly leading: string | undefined) {}

  private narrow(field: FieldDef, low: string | undefined, high: string | undefined): void {
    if (field.name !== this.leading) return;
    if (low !== undefined && (this.range.low === undefined || compareValues(field, low, this.range.low) > 0)) this.range.low = low;
    if (high !== undefined && (this.range.high === undefined || compareValues(field, high, this.range.high) < 0)) this.range.high = high;
  }

  get keyRange(): KeyRange {
    return this.range;
  }

  parse(): Predicate {
    const p = this.orExpr(true);
    if (this.i < this.tokens.length) throw new WhereError(`unexpected '${this.tokens[this.i].text}'`);
    return p;
  }

  private peekWord(): string {
    const t = this.tokens[this.i];
    return t && t.kind === 'id' ? t.text.toUpperCase() : '';
  }

  private next(): Token {
    const t = this.tokens[this.i++];
    if (!t) throw new WhereError('condition ends too early');
    return t;
  }

  private expect(text: string): void {
    const t = this.next();
    if (t.text.toUpperCase() !== text) throw new WhereError(`expected '${text}' but found '${t.text}'`);
  }

  /**
   * `top` says the expression is ANDed into the whole condition (possibly inside parentheses, as in
   * "( A ) AND ( B )", which a database optimizes exactly like "A AND B"). An OR at this level
   * confines nothing: what its first term seemed to restrict is forgotten.
   */
  private orExpr(top: boolean): Predicate {
    const keyedBefore = new Set(this.keyedFields);
    const rangeBefore = { ...this.range };
    const terms = [this.andExpr(top)];
    while (this.peekWord() === 'OR') {
      this.i++;
      terms.push(this.andExpr(false));
    }
    if (terms.length > 1 && top) {
      this.keyedFields = keyedBefore;
      this.range = rangeBefore;
    }
    return terms.length === 1 ? terms[0] : (row) => terms.some((t) => t(row));
  }

  private andExpr(top: boolean): Predicate {
    const factors = [this.factor(top)];
    while (this.peekWord() === 'AND') {
      this.i++;
      factors.push(this.factor(top));
    }
    return factors.length === 1 ? factors[0] : (row) => factors.every((f) => f(row));
  }

  private factor(top: boolean): Predicate {
    if (this.peekWord() === 'NOT') {
      this.i++;
      const inner = this.factor(false);
      return (row) => !inner(row);
    }
    const t = this.tokens[this.i];
    if (t?.kind === 'punct' && t.text === '(') {
      this.i++;
      const inner = this.orExpr(top);
      this.expect(')');
      return inner;
    }
    return this.condition(top);
  }

  private literal(field: FieldDef): string {
    const t = this.next();
    if (t.kind === 'lit' || (t.kind === 'id' && /^[-+]?\d+(\.\d+)?$/.test(t.text))) return coerce(field, t.text);
    throw new WhereError(`expected a literal but found '${t.text}'`);
  }

  private condition(top: boolean): Predicate {
    const nameTok = this.next();
    const field = nameTok.kind === 'id' ? fieldOf(this.def, nameTok.text.toUpperCase()) : undefined;
    if (!field) throw new WhereError(`unknown column '${nameTok.text}'`);
    if (top) this.keyedFields.add(field.name);
    const get = (row: Row): string => row[field.name] ?? coerce(field, '');
    let negate = false;
    if (this.peekWord() === 'NOT') {
      this.i++;
      negate = true;
    }
    const word = this.peekWord();
    let p: Predicate;
    if (word === 'LIKE') {
      this.i++;
      const re = likeRegex(this.literal({ ...field, type: 'C', length: 1000 }));
      p = (row) => re.test(get(row).trimEnd());
    } else if (word === 'IN') {
      this.i++;
      this.expect('(');
      const values = [this.literal(field)];
      while (this.tokens[this.i]?.text === ',') {
        this.i++;
        values.push(this.literal(field));
      }
      this.expect(')');
      if (top && !negate) {
        const sorted = [...values].sort((a, b) => compareValues(field, a, b));
        this.narrow(field, sorted[0], sorted[sorted.length - 1]);
      }
      p = (row) => values.some((v) => compareValues(field, get(row), v) === 0);
    } else if (word === 'BETWEEN') {
      this.i++;
      const low = this.literal(field);
      this.expect('AND');
      const high = this.literal(field);
      if (top && !negate) this.narrow(field, low, high);
      p = (row) => compareValues(field, get(row), low) >= 0 && compareValues(field, get(row), high) <= 0;
    } else {
      if (negate) throw new WhereError(`NOT before '${word}' is not valid`);
      const opTok = this.next();
      const op = OPS.get(opTok.text.toUpperCase());
      if (!op) throw new WhereError(`unknown operator '${opTok.text}'`);
      const value = this.literal(field);
      if (top) this.narrow(field, ['=', '>', '>='].includes(op) ? value : undefined, ['=', '<', '<='].includes(op) ? value : undefined);
      p = comparison(op, (row) => compareValues(field, get(row), value));
    }
    return negate ? (row) => !p(row) : p;
  }
}

function comparison(op: string, cmp: (row: Row) => number): Predicate {
  switch (op) {
    case '=': return (row) => cmp(row) === 0;
    case '<>': return (row) => cmp(row) !== 0;
    case '<': return (row) => cmp(row) < 0;
    case '>': return (row) => cmp(row) > 0;
    case '<=': return (row) => cmp(row) <= 0;
    default: return (row) => cmp(row) >= 0;
  }
}

export function compileWhere(def: TableDef, text: string): CompiledWhere {
  if (text.trim() === '') return { test: () => true, keyed: false, range: {} };
  const leading = leadingKey(def);
  const parser = new Parser(tokenize(text), def, leading?.name);
  const test = parser.parse();
  return { test, keyed: leading !== undefined && parser.keyedFields.has(leading.name), range: parser.keyRange };
}
