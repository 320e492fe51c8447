import type { ZohoCrmClient } from './zoho-crm.client.js';
import { ZohoApiError } from './zoho-errors.js';

export type ZohoRecord = Record<string, unknown> & { id?: string };

/** The outcome of one input record of a write, in input order. */
export type ZohoRecordResult =
  | { readonly index: number; readonly ok: true; readonly id: string; readonly action: 'insert' | 'update' | undefined; readonly modifiedTime: string | undefined }
  | { readonly index: number; readonly ok: false; readonly code: string; readonly message: string; readonly details: Record<string, unknown> };

export interface ListOptions {
  readonly fields: readonly string[];
  readonly perPage?: number;
  readonly sortBy?: 'id' | 'Created_Time' | 'Modified_Time';
  readonly sortOrder?: 'asc' | 'desc';
  /** Only records modified after this instant (If-Modified-Since). */
  readonly modifiedSince?: Date;
}

export interface UpsertOptions {
  readonly duplicateCheckFields?: readonly string[];
  /** Workflow/approval/blueprint triggers; none by default, so a sync does not fire the org's rules. */
  readonly trigger?: readonly string[];
}

/** Zoho takes at most 100 records per write. */
export const WRITE_BATCH = 100;
/** `page` reaches only the first 2,000 records; after that only page_token goes further. */
const DISCRETE_PAGE_LIMIT = 2_000;

/** Records of one org: get, list (page, then page_token), upsert in batches with per-record results. */
export class ZohoRecordsApi {
  constructor(private readonly client: ZohoCrmClient) {}

  /** Undefined when the record does not exist (Zoho answers 204). */
  async get(module: string, id: string, fields?: readonly string[]): Promise<ZohoRecord | undefined> {
    const response = await this.client.request({
      method: 'GET',
      path: `/crm/v8/${encodeURIComponent(module)}/${encodeURIComponent(id)}`,
      query: fields ? { fields: fields.join(',') } : undefined,
      credits: 1,
      complex: false,
    });
    return firstRecord(response.body);
  }

  /** Every record matching, page by page (204 and 304 read as the end). */
  async *list(module: string, options: ListOptions): AsyncGenerator<ZohoRecord[]> {
    const perPage = options.perPage ?? 200;
    const headers = options.modifiedSince ? { 'If-Modified-Since': zohoDateTime(options.modifiedSince) } : undefined;
    const base = { fields: options.fields.join(','), per_page: String(perPage), sort_by: options.sortBy ?? 'id', sort_order: options.sortOrder ?? 'asc' };
    let page = 1;
    let pageToken: string | undefined;
    for (;;) {
      const query: Record<string, string> = pageToken ? { ...base, page_token: pageToken } : { ...base, page: String(page) };
      const response = await this.client.request({ method: 'GET', path: `/crm/v8/${encodeURIComponent(module)}`, query, headers, credits: 1, complex: false });
      if (response.status === 204 || response.status === 304) return;
      const body = response.body as { data?: ZohoRecord[]; info?: { more_records?: boolean; next_page_token?: string | null } };
      yield body.data ?? [];
      if (!body.info?.more_records) return;
      if (!pageToken && (page + 1) * perPage <= DISCRETE_PAGE_LIMIT) {
        page += 1;
        continue;
      }
      if (!body.info.next_page_token) return;
      pageToken = body.info.next_page_token;
    }
  }

  /** Ids of records deleted after `since` (all of them without it), page by page; 204/304 end it. */
  async *deleted(module: string, since?: Date): AsyncGenerator<string[]> {
    const headers = since ? { 'If-Modified-Since': zohoDateTime(since) } : undefined;
    for (let page = 1; ; page += 1) {
      const query = { type: 'all', per_page: '200', page: String(page) };
      const response = await this.client.request({ method: 'GET', path: `/crm/v8/${encodeURIComponent(module)}/deleted`, query, headers, credits: 1, complex: false });
      if (response.status === 204 || response.status === 304) return;
      const body = response.body as { data?: Array<{ id?: unknown }>; info?: { more_records?: boolean } };
      yield (body.data ?? []).map((entry) => String(entry.id));
      if (!body.info?.more_records) return;
    }
  }

  /**
   * Upserts any number of records in batches of 100 (run concurrently within the org's budget) and
   * returns one result per input record, in input order. A batch Zoho refuses as a whole (400) gives
   * each of its records that error; a retryable failure that outlives the retries is thrown.
   */
  async upsert(module: string, records: readonly ZohoRecord[], options: UpsertOptions = {}): Promise<ZohoRecordResult[]> {
    const batches: Promise<ZohoRecordResult[]>[] = [];
    for (let start = 0; start < records.length; start += WRITE_BATCH) {
      batches.push(this.upsertBatch(module, records.slice(start, start + WRITE_BATCH), start, options));
    }
    return (await Promise.all(batches)).flat();
  }

  /** Updates records by id (PUT, at most 100 per call), one result per input record, in input order. */
  async update(module: string, records: readonly ZohoRecord[], options: Pick<UpsertOptions, 'trigger'> = {}): Promise<ZohoRecordResult[]> {
    const batches: Promise<ZohoRecordResult[]>[] = [];
    for (let start = 0; start < records.length; start += WRITE_BATCH) {
      batches.push(this.writeBatch('PUT', `/crm/v8/${encodeURIComponent(module)}`, { data: records.slice(start, start + WRITE_BATCH), trigger: options.trigger ?? [] }, start));
    }
    return (await Promise.all(batches)).flat();
  }

  private async upsertBatch(module: string, batch: readonly ZohoRecord[], offset: number, options: UpsertOptions): Promise<ZohoRecordResult[]> {
    const body: { data: readonly ZohoRecord[] } & Record<string, unknown> = { data: batch, trigger: options.trigger ?? [] };
    if (options.duplicateCheckFields) body['duplicate_check_fields'] = options.duplicateCheckFields;
    return this.writeBatch('POST', `/crm/v8/${encodeURIComponent(module)}/upsert`, body, offset);
  }

  private async writeBatch(method: 'POST' | 'PUT', path: string, body: { data: readonly ZohoRecord[] } & Record<string, unknown>, offset: number): Promise<ZohoRecordResult[]> {
    const batch = body.data;
    let items: unknown[];
    try {
      const response = await this.client.request({ method, path, body, credits: Math.ceil(batch.length / 10), complex: batch.length > 10 });
      items = ((response.body as { data?: unknown[] } | undefined)?.data) ?? [];
    } catch (err) {
      // All records failed: Zoho answers 400 with the per-item errors in `data`.
      if (!(err instanceof ZohoApiError) || err.retryable || err.status !== 400) throw err;
      return batch.map((_, at) => ({ index: offset + at, ok: false, code: err.code, message: err.message, details: err.details }));
    }
    return batch.map((_, at) => toResult(offset + at, items[at]));
  }
}

function toResult(index: number, item: unknown): ZohoRecordResult {
  const entry = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
  const details = (typeof entry['details'] === 'object' && entry['details'] !== null ? entry['details'] : {}) as Record<string, unknown>;
  if (entry['status'] === 'success' && typeof details['id'] === 'string') {
    const action = entry['action'] === 'insert' || entry['action'] === 'update' ? entry['action'] : undefined;
    return { index, ok: true, id: details['id'], action, modifiedTime: typeof details['Modified_Time'] === 'string' ? details['Modified_Time'] : undefined };
  }
  return {
    index,
    ok: false,
    code: typeof entry['code'] === 'string' ? entry['code'] : 'NO_RESULT',
    message: typeof entry['message'] === 'string' ? entry['message'] : 'Zoho returned no result for this record',
    details,
  };
}

function firstRecord(body: unknown): ZohoRecord | undefined {
  const data = (body as { data?: ZohoRecord[] } | undefined)?.data;
  return Array.isArray(data) ? data[0] : undefined;
}

/** Zoho's date-time form: ISO-8601 with an offset and no milliseconds. */
export function zohoDateTime(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, '+00:00');
}
