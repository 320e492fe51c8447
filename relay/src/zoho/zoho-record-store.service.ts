import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { ZohoRecord } from '@mlc/zoho';

export type ChangeListener = (tenantId: string, module: string) => void;

/**
 * The latest full copy of each Zoho record the relay has seen: the sync engine's inbox. Writes never
 * let an older copy replace a newer one (a late callback racing a catch-up).
 */
@Injectable()
export class ZohoRecordStore {
  private readonly listeners = new Set<ChangeListener>();

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Called (after the write committed) whenever records of a module arrived for a tenant. */
  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tells the listeners; call it once the transaction holding the writes has committed. */
  notify(tenantId: string, modules: Iterable<string>): void {
    for (const module of new Set(modules)) for (const listener of this.listeners) listener(tenantId, module);
  }

  async save(tenantId: string, module: string, record: ZohoRecord, manager: EntityManager = this.db.manager): Promise<void> {
    const modified = typeof record['Modified_Time'] === 'string' ? new Date(record['Modified_Time']) : null;
    await manager.query(
      `INSERT INTO zoho_record (tenant_id, module, record_id, modified_time, deleted, data, fetched_at)
       VALUES ($1, $2, $3, $4, false, $5, now())
       ON CONFLICT ON CONSTRAINT pk_zoho_record DO UPDATE
         SET modified_time = excluded.modified_time, deleted = false, data = excluded.data, fetched_at = now()
         WHERE zoho_record.modified_time IS NULL OR excluded.modified_time IS NULL OR excluded.modified_time >= zoho_record.modified_time`,
      [tenantId, module, String(record.id), modified, JSON.stringify(record)],
    );
  }

  async markDeleted(tenantId: string, module: string, recordId: string, manager: EntityManager = this.db.manager): Promise<void> {
    await manager.query(
      `INSERT INTO zoho_record (tenant_id, module, record_id, deleted, fetched_at) VALUES ($1, $2, $3, true, now())
       ON CONFLICT ON CONSTRAINT pk_zoho_record DO UPDATE SET deleted = true, fetched_at = now()`,
      [tenantId, module, recordId],
    );
  }
}
