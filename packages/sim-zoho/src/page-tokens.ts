import { randomBytes } from 'node:crypto';
import type { SimClock } from './sim-clock.js';

export interface PageCursor {
  readonly module: string;
  readonly offset: number;
  readonly sortBy: string;
  readonly sortOrder: 'asc' | 'desc';
  readonly modifiedSince: number | null;
  readonly expiresAt: number;
}

/** Zoho's page tokens live 24 hours. */
export const PAGE_TOKEN_TTL_MS = 86_400_000;
const MAX_TOKENS = 10_000;

export class PageTokens {
  private readonly tokens = new Map<string, PageCursor>();

  constructor(private readonly clock: SimClock) {}

  issue(cursor: Omit<PageCursor, 'expiresAt'>): { token: string; expiresAt: number } {
    if (this.tokens.size >= MAX_TOKENS) this.tokens.delete(this.tokens.keys().next().value ?? '');
    const token = randomBytes(24).toString('hex');
    const expiresAt = this.clock.now() + PAGE_TOKEN_TTL_MS;
    this.tokens.set(token, { ...cursor, expiresAt });
    return { token, expiresAt };
  }

  resolve(token: string): PageCursor | undefined {
    const cursor = this.tokens.get(token);
    if (!cursor || cursor.expiresAt <= this.clock.now()) return undefined;
    return cursor;
  }

  clear(): void {
    this.tokens.clear();
  }
}
