import JSON5 from 'json5';
import { GraphQLError } from 'graphql';

/**
 * The Syracuse GraphQL dialect filters and sorts with Mongo-style JSON in a string, usually with
 * single quotes and bare keys: filter:"{code:'AE003'}", "{updateDateTime:{$gt:'2026-01-01T00:00:00Z'}}",
 * "{country:{$in:['FR','DE']}}"; orderBy:"{updateDateTime:1,code:1}". JSON5 reads that syntax.
 */
export type Node = Record<string, unknown>;

const OPERATORS = ['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin'] as const;
type Operator = (typeof OPERATORS)[number];

function parse(text: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON5.parse(text);
  } catch (error) {
    throw new GraphQLError(`${what}: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new GraphQLError(`${what} must be an object`);
  return value as Record<string, unknown>;
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const left = String(a);
  const right = String(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

function test(value: unknown, op: Operator, operand: unknown): boolean {
  switch (op) {
    case '$eq':
      return compare(value, operand) === 0;
    case '$ne':
      return compare(value, operand) !== 0;
    case '$gt':
      return compare(value, operand) > 0;
    case '$gte':
      return compare(value, operand) >= 0;
    case '$lt':
      return compare(value, operand) < 0;
    case '$lte':
      return compare(value, operand) <= 0;
    case '$in':
    case '$nin': {
      if (!Array.isArray(operand)) throw new GraphQLError(`${op} needs an array`);
      const found = operand.some((item) => compare(value, item) === 0);
      return op === '$in' ? found : !found;
    }
  }
}

/** Parses a filter into a predicate over nodes with the given fields. */
export function parseFilter(text: string | null | undefined, fields: ReadonlySet<string>): (node: Node) => boolean {
  if (!text) return () => true;
  const conditions = Object.entries(parse(text, 'filter')).map(([field, condition]) => {
    if (!fields.has(field)) throw new GraphQLError(`filter: unknown property ${field}`);
    const checks = condition !== null && typeof condition === 'object' && !Array.isArray(condition)
      ? Object.entries(condition).map(([op, operand]) => {
        if (!OPERATORS.includes(op as Operator)) throw new GraphQLError(`filter: unknown operator ${op}`);
        return (value: unknown) => test(value, op as Operator, operand);
      })
      : [(value: unknown) => test(value, '$eq', condition)];
    return (node: Node) => checks.every((check) => check(node[field]));
  });
  return (node) => conditions.every((condition) => condition(node));
}

/** Parses orderBy into a comparator; `key` breaks ties so paging is stable. */
export function parseOrderBy(text: string | null | undefined, fields: ReadonlySet<string>, key: string): Array<{ field: string; direction: 1 | -1 }> {
  const sort = text
    ? Object.entries(parse(text, 'orderBy')).map(([field, direction]) => {
      if (!fields.has(field)) throw new GraphQLError(`orderBy: unknown property ${field}`);
      if (direction !== 1 && direction !== -1) throw new GraphQLError(`orderBy: ${field} must be 1 or -1`);
      return { field, direction: direction as 1 | -1 };
    })
    : [];
  if (!sort.some((s) => s.field === key)) sort.push({ field: key, direction: 1 });
  return sort;
}

export function compareBy(sort: Array<{ field: string; direction: 1 | -1 }>): (a: Node, b: Node) => number {
  return (a, b) => {
    for (const { field, direction } of sort) {
      const order = compare(a[field], b[field]);
      if (order !== 0) return order * direction;
    }
    return 0;
  };
}

/** A cursor is the sort values of the last node seen, opaque to the client. */
export function cursorOf(node: Node, sort: Array<{ field: string }>): string {
  return Buffer.from(JSON.stringify(sort.map((s) => node[s.field]))).toString('base64url');
}

export function afterCursor(cursor: string, sort: Array<{ field: string; direction: 1 | -1 }>): (node: Node) => boolean {
  let values: unknown[];
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (!Array.isArray(values) || values.length !== sort.length) throw new Error('shape');
  } catch {
    throw new GraphQLError('after: not a cursor from this query');
  }
  const anchor = Object.fromEntries(sort.map((s, i) => [s.field, values[i]]));
  const order = compareBy(sort);
  return (node) => order(node, anchor) > 0;
}
