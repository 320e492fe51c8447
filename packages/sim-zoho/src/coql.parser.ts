export type CoqlValue = string | number | boolean | null;

export type CoqlCondition =
  | { readonly kind: 'cmp'; readonly field: string; readonly op: '=' | '!=' | '>' | '>=' | '<' | '<='; readonly value: CoqlValue }
  | { readonly kind: 'null'; readonly field: string; readonly negated: boolean }
  | { readonly kind: 'in'; readonly field: string; readonly values: CoqlValue[]; readonly negated: boolean }
  | { readonly kind: 'like'; readonly field: string; readonly pattern: string; readonly negated: boolean }
  | { readonly kind: 'between'; readonly field: string; readonly low: CoqlValue; readonly high: CoqlValue }
  | { readonly kind: 'and' | 'or'; readonly parts: CoqlCondition[] };

export interface CoqlQuery {
  readonly fields: string[];
  readonly module: string;
  readonly where: CoqlCondition | null;
  readonly orderBy: { readonly field: string; readonly desc: boolean }[];
  readonly limit: number;
  readonly offset: number;
  readonly limitGiven: boolean;
}

/** Where the query stopped making sense; maps to Zoho's SYNTAX_ERROR details {line, column, near}. */
export class CoqlSyntaxError extends Error {
  constructor(
    readonly column: number,
    readonly near: string,
  ) {
    super(`syntax error near "${near}" at column ${column}`);
  }
}

interface Token {
  readonly type: 'word' | 'string' | 'number' | 'punct';
  readonly text: string;
  readonly pos: number;
}

const TOKEN = /('(?:[^'\\]|\\.|'')*')|(-?\d+(?:\.\d+)?)(?![A-Za-z_])|([A-Za-z_$][A-Za-z0-9_.$]*)|(>=|<=|!=|<>|[=<>(),*])/y;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  while (pos < text.length) {
    if (/\s/.test(text[pos])) {
      pos += 1;
      continue;
    }
    TOKEN.lastIndex = pos;
    const match = TOKEN.exec(text);
    if (!match) throw new CoqlSyntaxError(pos + 1, text.slice(pos).split(/\s/)[0] ?? '');
    if (match[1] !== undefined) tokens.push({ type: 'string', text: match[1].slice(1, -1).replace(/''/g, "'").replace(/\\(.)/g, '$1'), pos });
    else if (match[2] !== undefined) tokens.push({ type: 'number', text: match[2], pos });
    else if (match[3] !== undefined) tokens.push({ type: 'word', text: match[3], pos });
    else tokens.push({ type: 'punct', text: match[4] ?? '', pos });
    pos = TOKEN.lastIndex;
  }
  return tokens;
}

export const DEFAULT_COQL_LIMIT = 200;

/** Parses the COQL subset the simulator supports: SELECT .. FROM .. [WHERE ..] [ORDER BY ..] [LIMIT ..] [OFFSET ..]. */
export function parseCoql(text: string): CoqlQuery {
  const tokens = tokenize(text);
  let index = 0;
  const peek = (): Token | undefined => tokens[index];
  const fail = (): never => {
    const token = peek();
    throw new CoqlSyntaxError(token ? token.pos + 1 : text.length + 1, token?.text ?? '<end>');
  };
  const isKeyword = (word: string): boolean => peek()?.type === 'word' && peek()?.text.toLowerCase() === word;
  const keyword = (word: string): void => (isKeyword(word) ? void (index += 1) : fail());
  const punct = (symbol: string): boolean => (peek()?.type === 'punct' && peek()?.text === symbol ? ((index += 1), true) : false);
  const identifier = (): string => {
    const token = peek();
    if (token?.type !== 'word') return fail();
    index += 1;
    return token.text;
  };
  const integer = (): number => {
    const token = peek();
    if (token?.type !== 'number' || !/^\d+$/.test(token.text)) return fail();
    index += 1;
    return Number(token.text);
  };
  const value = (): CoqlValue => {
    const token = peek();
    if (!token) return fail();
    index += 1;
    if (token.type === 'string') return token.text;
    if (token.type === 'number') return Number(token.text);
    if (token.type === 'word' && /^(true|false)$/i.test(token.text)) return token.text.toLowerCase() === 'true';
    if (token.type === 'word' && /^null$/i.test(token.text)) return null;
    index -= 1;
    return fail();
  };
  const term = (): CoqlCondition => {
    if (punct('(')) {
      const inner = disjunction();
      if (!punct(')')) fail();
      return inner;
    }
    const field = identifier();
    if (isKeyword('is')) {
      index += 1;
      const negated = isKeyword('not') ? ((index += 1), true) : false;
      keyword('null');
      return { kind: 'null', field, negated };
    }
    const negated = isKeyword('not') ? ((index += 1), true) : false;
    if (isKeyword('in')) {
      index += 1;
      if (!punct('(')) fail();
      const values = [value()];
      while (punct(',')) values.push(value());
      if (!punct(')')) fail();
      return { kind: 'in', field, values, negated };
    }
    if (isKeyword('like')) {
      index += 1;
      const pattern = value();
      return typeof pattern === 'string' ? { kind: 'like', field, pattern, negated } : fail();
    }
    if (negated) fail();
    if (isKeyword('between')) {
      index += 1;
      const low = value();
      keyword('and');
      return { kind: 'between', field, low, high: value() };
    }
    const op = peek();
    if (op?.type !== 'punct' || !['=', '!=', '<>', '>', '>=', '<', '<='].includes(op.text)) return fail();
    index += 1;
    const normalized = (op.text === '<>' ? '!=' : op.text) as '=' | '!=' | '>' | '>=' | '<' | '<=';
    return { kind: 'cmp', field, op: normalized, value: value() };
  };
  const conjunction = (): CoqlCondition => {
    const parts = [term()];
    while (isKeyword('and')) {
      index += 1;
      parts.push(term());
    }
    return parts.length === 1 ? parts[0] : { kind: 'and', parts };
  };
  const disjunction = (): CoqlCondition => {
    const parts = [conjunction()];
    while (isKeyword('or')) {
      index += 1;
      parts.push(conjunction());
    }
    return parts.length === 1 ? parts[0] : { kind: 'or', parts };
  };

  keyword('select');
  const fields = [identifier()];
  while (punct(',')) fields.push(identifier());
  keyword('from');
  const module = identifier();
  let where: CoqlCondition | null = null;
  if (isKeyword('where')) {
    index += 1;
    where = disjunction();
  }
  const orderBy: { field: string; desc: boolean }[] = [];
  if (isKeyword('order')) {
    index += 1;
    keyword('by');
    do {
      const field = identifier();
      const desc = isKeyword('desc') ? ((index += 1), true) : isKeyword('asc') ? ((index += 1), false) : false;
      orderBy.push({ field, desc });
    } while (punct(','));
  }
  let limit = DEFAULT_COQL_LIMIT;
  let offset = 0;
  let limitGiven = false;
  if (isKeyword('limit')) {
    index += 1;
    limitGiven = true;
    const first = integer();
    if (punct(',')) {
      offset = first;
      limit = integer();
    } else limit = first;
  }
  if (isKeyword('offset')) {
    index += 1;
    offset = integer();
  }
  if (index < tokens.length) fail();
  return { fields, module, where, orderBy, limit, offset, limitGiven };
}

export function countCriteria(condition: CoqlCondition | null): number {
  if (!condition) return 0;
  if (condition.kind === 'and' || condition.kind === 'or') return condition.parts.reduce((sum, part) => sum + countCriteria(part), 0);
  return 1;
}
