import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { ZohoRecord } from '@mlc/zoho';
import type { LinkEntity } from './sync-records.repository.js';

export interface InboxRecord {
  id: string;
  data: ZohoRecord;
  modifiedTime: Date | null;
  /** When the inbox stored this version (fetched_at, microseconds kept as text). */
  version: string;
}

const VERSION = `to_char(r.fetched_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** Where a flow stopped reading the inbox; microseconds kept as text, since a JS Date drops them. */
export interface InboxCursor {
  fetchedAt: string;
  recordId: string;
}

/**
 * The flows' view of zoho_record (the latest copy of each Zoho record, fed by webhooks, catch-ups
 * and the flows' own polls): what still has to go to SAP.
 */
@Injectable()
export class ZohoInboxRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Records of a module with no link yet or a link still pending: the work of a Zoho-to-SAP flow.
   * A version the flow passed over (see passOver) is left out until the record changes.
   */
  async unfinished(tenantId: string, module: string, entity: LinkEntity, limit: number, exclude: readonly string[] = []): Promise<InboxRecord[]> {
    const rows: Array<{ record_id: string; data: ZohoRecord; modified_time: Date | null; version: string }> = await this.db.query(
      `SELECT r.record_id, r.data, r.modified_time, ${VERSION} AS version FROM zoho_record r
         LEFT JOIN sync_link l ON l.tenant_id = r.tenant_id AND l.entity = $3 AND l.zoho_id = r.record_id
        WHERE r.tenant_id = $1 AND r.module = $2 AND NOT r.deleted AND r.data IS NOT NULL
          AND (l.id IS NULL OR l.status IN ('pending', 'writing')) AND NOT (r.record_id = ANY($5::text[]))
          AND NOT EXISTS (SELECT 1 FROM zoho_record_passed p
                           WHERE p.tenant_id = r.tenant_id AND p.module = r.module AND p.record_id = r.record_id
                             AND p.entity = $3 AND p.fetched_at >= r.fetched_at)
        ORDER BY r.modified_time NULLS FIRST, r.record_id LIMIT $4`,
      [tenantId, module, entity, limit, exclude],
    );
    return rows.map((row) => ({ id: row.record_id, data: row.data, modifiedTime: row.modified_time, version: row.version }));
  }

  /**
   * Notes that the flow linking `entity` looked at these versions and does not take them (a status
   * it does not post, a record made before it started): unfinished() leaves them out until they change.
   */
  async passOver(tenantId: string, module: string, entity: LinkEntity, records: readonly InboxRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.db.query(
      `INSERT INTO zoho_record_passed (tenant_id, module, record_id, entity, fetched_at)
       SELECT $1, $2, v.record_id, $3, v.version FROM unnest($4::text[], $5::timestamptz[]) AS v(record_id, version)
       ON CONFLICT (tenant_id, module, record_id, entity) DO UPDATE SET fetched_at = GREATEST(zoho_record_passed.fetched_at, EXCLUDED.fetched_at)`,
      [tenantId, module, entity, records.map((r) => r.id), records.map((r) => r.version)],
    );
  }

  /**
   * Records of a module fetched after a cursor (for flows that look at every change, like vendors),
   * in cursor order. The cursor is (fetched_at, record_id): one transaction stores many records at
   * the same instant.
   */
  async changedSince(tenantId: string, module: string, cursor: InboxCursor | null, limit: number): Promise<Array<InboxRecord & { cursor: InboxCursor }>> {
    const rows: Array<{ record_id: string; data: ZohoRecord; modified_time: Date | null; fetched_at: string }> = await this.db.query(
      `SELECT record_id, data, modified_time, ${VERSION} AS fetched_at FROM zoho_record r
        WHERE tenant_id = $1 AND module = $2 AND NOT deleted AND data IS NOT NULL
          AND ($3::timestamptz IS NULL OR (fetched_at, record_id) > ($3::timestamptz, $4::text))
        ORDER BY fetched_at, record_id LIMIT $5`,
      [tenantId, module, cursor?.fetchedAt ?? null, cursor?.recordId ?? '', limit],
    );
    return rows.map((row) => ({ id: row.record_id, data: row.data, modifiedTime: row.modified_time, version: row.fetched_at, cursor: { fetchedAt: row.fetched_at, recordId: row.record_id } }));
  }

  async get(tenantId: string, module: string, id: string): Promise<ZohoRecord | undefined> {
    const rows: Array<{ data: ZohoRecord }> = await this.db.query(
      `SELECT data FROM zoho_record WHERE tenant_id = $1 AND module = $2 AND record_id = $3 AND NOT deleted`,
      [tenantId, module, id],
    );
    return rows[0]?.data;
  }
}
