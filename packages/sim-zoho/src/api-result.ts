import type { JsonValue } from './http-kit.js';

export interface ApiResult {
  readonly status: number;
  readonly body?: JsonValue;
}

/** What the router needs to know about a call before it runs: its cost, its pool and its scope. */
export interface ApiOperation {
  readonly credits: number;
  /** Complex calls (writes of more than 10 records, COQL, search) share the sub-concurrency pool. */
  readonly complex: boolean;
  readonly scope: ScopeNeed;
  run(): ApiResult;
}

export type ScopeNeed =
  | { readonly family: 'modules'; readonly module: string; readonly op: 'READ' | 'CREATE' | 'UPDATE' | 'DELETE' | 'WRITE' }
  | { readonly family: 'coql'; readonly module: string }
  | { readonly family: 'notifications'; readonly op: 'READ' | 'CREATE' | 'UPDATE' | 'DELETE' }
  | { readonly family: 'org' };

/** Status for a batch: all good, some good (207), none good (400). */
export function batchStatus(okCount: number, total: number, allOkStatus: number): number {
  if (okCount === total) return allOkStatus;
  return okCount === 0 ? 400 : 207;
}

/** Insert/update/upsert/delete cost 1 credit per 10 records. */
export function writeCredits(records: number): number {
  return Math.max(1, Math.ceil(records / 10));
}
