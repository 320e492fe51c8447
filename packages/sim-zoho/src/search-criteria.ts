import type { JsonValue } from './http-kit.js';
import { indexKey } from './module-table.js';
import { parseZohoDateTime } from './sim-clock.js';

export type Criteria =
  | { readonly kind: 'cond'; readonly field: string; readonly op: string; readonly value: string }
  | { readonly kind: 'group'; readonly join: 'and' | 'or'; readonly parts: Criteria[] };

export const SEARCH_OPERATORS = ['equals', 'not_equal', 'starts_with', 'in', 'not_in', 'greater_than', 'greater_equal', 'less_than', 'less_equal', 'between'] as const;

export class CriteriaError extends Error {}

/** Parses Zoho search criteria, e.g. ((Last_Name:equals:Burns\,B)and(Email:starts_with:b)). */
export function parseCriteria(text: string): Criteria {
  let pos = 0;
  const peek = (): string => text[pos] ?? '';
  const expect = (ch: string): void => {
    if (text[pos] !== ch) throw new CriteriaError(`expected "${ch}" at ${pos}`);
    pos += 1;
  };
  const readUntil = (stops: string): string => {
    let out = '';
    while (pos < text.length && !stops.includes(text[pos])) {
      if (text[pos] === '\\' && pos + 1 < text.length) pos += 1;
      out += text[pos];
      pos += 1;
    }
    return out;
  };
  const parseExpr = (): Criteria => {
    expect('(');
    if (peek() === '(') {
      const parts = [parseExpr()];
      let join: 'and' | 'or' | undefined;
      while (peek() !== ')') {
        const word = /^(and|or)/i.exec(text.slice(pos))?.[1]?.toLowerCase() as 'and' | 'or' | undefined;
        if (!word || (join && join !== word)) throw new CriteriaError(`expected "and"/"or" at ${pos}`);
        join = word;
        pos += word.length;
        parts.push(parseExpr());
      }
      expect(')');
      return parts.length === 1 ? parts[0] : { kind: 'group', join: join ?? 'and', parts };
    }
    const field = readUntil(':)');
    expect(':');
    const op = readUntil(':)').toLowerCase();
    expect(':');
    const value = readUntil(')');
    expect(')');
    if (!/^[A-Za-z][A-Za-z0-9_.]*$/.test(field)) throw new CriteriaError(`invalid field "${field}"`);
    if (!(SEARCH_OPERATORS as readonly string[]).includes(op)) throw new CriteriaError(`invalid operator "${op}"`);
    return { kind: 'cond', field, op, value };
  };
  const criteria = parseExpr();
  if (pos !== text.length) throw new CriteriaError(`unexpected text at ${pos}`);
  return criteria;
}

/** Numbers numerically, date-times as instants (offsets differ), everything else as case-folded text. */
export function compare(left: JsonValue | undefined, right: string): number {
  if (typeof left === 'number') return left - Number(right);
  if (typeof left === 'string') {
    const leftMs = parseZohoDateTime(left);
    const rightMs = parseZohoDateTime(right);
    if (!Number.isNaN(leftMs) && !Number.isNaN(rightMs)) return leftMs - rightMs;
  }
  const key = indexKey(left) ?? '';
  const other = right.toLowerCase();
  return key < other ? -1 : key > other ? 1 : 0;
}

function matchesCond(values: Record<string, JsonValue>, field: string, op: string, value: string): boolean {
  const actual = values[field];
  const key = indexKey(actual);
  const list = value.split(',').map((item) => item.trim().toLowerCase());
  switch (op) {
    case 'equals':
      return key === value.toLowerCase() || (typeof actual === 'number' && actual === Number(value));
    case 'not_equal':
      return key !== value.toLowerCase();
    case 'starts_with':
      return key !== undefined && key.startsWith(value.toLowerCase());
    case 'in':
      return key !== undefined && list.includes(key);
    case 'not_in':
      return key === undefined || !list.includes(key);
    case 'greater_than':
      return key !== undefined && compare(actual, value) > 0;
    case 'greater_equal':
      return key !== undefined && compare(actual, value) >= 0;
    case 'less_than':
      return key !== undefined && compare(actual, value) < 0;
    case 'less_equal':
      return key !== undefined && compare(actual, value) <= 0;
    case 'between': {
      const [low, high] = value.split(',');
      return key !== undefined && compare(actual, low ?? '') >= 0 && compare(actual, high ?? '') <= 0;
    }
    default:
      return false;
  }
}

export function matchesCriteria(values: Record<string, JsonValue>, criteria: Criteria): boolean {
  if (criteria.kind === 'cond') return matchesCond(values, criteria.field, criteria.op, criteria.value);
  return criteria.join === 'and'
    ? criteria.parts.every((part) => matchesCriteria(values, part))
    : criteria.parts.some((part) => matchesCriteria(values, part));
}
