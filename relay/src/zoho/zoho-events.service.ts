import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { ZohoApiError, type ZohoRecord } from '@mlc/zoho';
import { DomainError } from '../common/domain-error.js';
import type { Logger } from '../common/logger.js';
import { RELAY_LOGGER } from '../common/tokens.js';
import { ZohoEventEntity } from './entities/zoho-event.entity.js';
import { ZohoClientsService } from './zoho-clients.service.js';
import { ZohoRecordStore } from './zoho-record-store.service.js';

/** After this many failed fetches an event is parked as failed (the periodic catch-up still covers it). */
const MAX_ATTEMPTS = 10;
const BATCH = 20;
/**
 * Records of a batch fetched at once (the tenant's Zoho budget still caps calls per edition). One at a
 * time, a burst of callbacks queued behind each other's 50-100 ms round trips: at 10 new POs a second
 * (and their write-back edits coming back as callbacks) the queue grew without bound.
 */
const FETCH_CONCURRENCY = 8;

type Fetched = { ok: true; records: Array<{ id: string; record: ZohoRecord | undefined }> } | { ok: false; err: unknown };

export interface IncomingEvent {
  readonly tenantId: string;
  readonly channelId: string;
  readonly dedupeKey: string;
  readonly module: string;
  readonly operation: string;
  readonly ids: readonly string[];
  readonly serverTime: Date | null;
}

/** Callbacks as durable work: persisted first, deduplicated, then the full records fetched. */
@Injectable()
export class ZohoEventsService {
  private readonly log: Logger;
  private readonly draining = new Map<string, Promise<void>>();
  /** Tenants whose events arrived while a run was already past its query: it goes round once more. */
  private readonly again = new Set<string>();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clients: ZohoClientsService,
    private readonly store: ZohoRecordStore,
    @Inject(RELAY_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'zoho-events' });
  }

  /** True when the event is new; a redelivery of the same callback is recognised and kept once. */
  async persist(event: IncomingEvent): Promise<boolean> {
    const result = await this.db
      .createQueryBuilder()
      .insert()
      .into(ZohoEventEntity)
      .values({
        tenantId: event.tenantId,
        channelId: event.channelId,
        dedupeKey: event.dedupeKey,
        module: event.module,
        operation: event.operation,
        recordIds: [...event.ids],
        serverTime: event.serverTime,
        status: 'pending',
        attempts: 0,
      })
      .orIgnore()
      .returning(['id'])
      .execute();
    return result.raw.length > 0;
  }

  /** Works off the tenant's pending events; concurrent calls on one replica share a run, replicas skip each other's rows. */
  drain(tenantId: string): Promise<void> {
    let running = this.draining.get(tenantId);
    if (running) this.again.add(tenantId);
    else {
      running = this.drainAll(tenantId).finally(() => this.draining.delete(tenantId));
      this.draining.set(tenantId, running);
    }
    return running;
  }

  private async drainAll(tenantId: string): Promise<void> {
    for (;;) {
      const { count, failures, modules } = await this.db.transaction((manager) => this.drainBatch(manager, tenantId));
      this.store.notify(tenantId, modules);
      // A failure stops the run: the scheduler's next tick tries again, instead of spinning here.
      if (failures > 0) return;
      if (count < BATCH && !this.again.delete(tenantId)) return;
    }
  }

  private async drainBatch(manager: EntityManager, tenantId: string): Promise<{ count: number; failures: number; modules: string[] }> {
    const events = await manager
      .createQueryBuilder(ZohoEventEntity, 'e')
      .where('e.tenant_id = :tenantId AND e.status = :status', { tenantId, status: 'pending' })
      .orderBy('e.received_at', 'ASC')
      .limit(BATCH)
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .getMany();
    const fetched = await fetchConcurrently(events, FETCH_CONCURRENCY, (event) => this.fetch(event));
    let failures = 0;
    const modules: string[] = [];
    for (const [i, event] of events.entries()) {
      if (await this.apply(manager, event, fetched[i] as Fetched)) modules.push(event.module);
      else failures += 1;
    }
    return { count: events.length, failures, modules };
  }

  /** The full records an event names (none for a delete); never throws, a failure is kept for apply. */
  private async fetch(event: ZohoEventEntity): Promise<Fetched> {
    if (event.operation === 'delete') return { ok: true, records: [] };
    try {
      const { records } = await this.clients.forTenant(event.tenantId);
      const found: Array<{ id: string; record: ZohoRecord | undefined }> = [];
      for (const id of event.recordIds) found.push({ id, record: await records.get(event.module, id) });
      return { ok: true, records: found };
    } catch (err) {
      return { ok: false, err };
    }
  }

  private async apply(manager: EntityManager, event: ZohoEventEntity, fetched: Fetched): Promise<boolean> {
    try {
      if (!fetched.ok) throw fetched.err;
      if (event.operation === 'delete') {
        for (const id of event.recordIds) await this.store.markDeleted(event.tenantId, event.module, id, manager);
      } else {
        for (const { id, record } of fetched.records) {
          if (record) await this.store.save(event.tenantId, event.module, record, manager);
          else await this.store.markDeleted(event.tenantId, event.module, id, manager);
        }
      }
      await manager.update(ZohoEventEntity, { id: event.id }, { status: 'done', processedAt: new Date(), attempts: event.attempts + 1, lastError: null });
      return true;
    } catch (err) {
      // A tenant that must reconnect keeps its events pending: they are fetched after the reconnect.
      const parked = err instanceof DomainError && err.detail['reason'] === 'zoho_reconnect_required';
      const attempts = parked ? event.attempts : event.attempts + 1;
      const status = attempts >= MAX_ATTEMPTS ? 'failed' : 'pending';
      this.log.warn({ tenantId: event.tenantId, eventId: event.id, attempts, err: describe(err) }, 'fetching the records of a Zoho callback failed');
      await manager.update(ZohoEventEntity, { id: event.id }, { status, attempts, lastError: describe(err) });
      return false;
    }
  }
}

async function fetchConcurrently<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const at = next;
      next += 1;
      results[at] = await work(items[at] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function describe(err: unknown): string {
  if (err instanceof ZohoApiError || err instanceof DomainError) return err.message;
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
