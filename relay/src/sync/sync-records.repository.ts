import { randomUUIDv7 } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { preparedQuery } from '../common/prepared-query.js';
import { queryRows } from '../common/query-rows.js';
import type { FlowKey } from './flow-keys.js';

/** What a link pairs: one record in SAP and in Zoho. */
export type LinkEntity = 'customer' | 'contact' | 'vendor' | 'purchase_order' | 'invoice' | 'reference' | 'x3_customer' | 'x3_deal_order' | 'x3_sales_order';
export type LinkStatus = 'synced' | 'pending' | 'dead' | 'writing';
export type AttemptOutcome = 'succeeded' | 'skipped' | 'retry' | 'dead';

export interface LinkRow {
  id: string;
  tenantId: string;
  entity: LinkEntity;
  flowKey: FlowKey;
  sapKey: string | null;
  zohoId: string | null;
  status: LinkStatus;
  attempts: number;
  lastError: string | null;
  deadReason: string | null;
  syncedValues: Record<string, unknown> | null;
  correlationId: string | null;
  syncedAt: Date | null;
  updatedAt: Date;
  /** Not stored yet: its first journaled attempt creates it (see linksFor). */
  draft?: true;
}

/** One attempt on one record, as the journal keeps it; the link takes the outcome. */
export interface AttemptRecord {
  linkId: string;
  /** The link is a draft: store it (with these keys) along with this attempt. */
  draft?: Pick<LinkRow, 'entity' | 'sapKey' | 'zohoId'>;
  outcome: AttemptOutcome;
  correlationId: string;
  /** Keys learned by the attempt (the SAP number created, the Zoho id upserted). */
  sapKey?: string | null;
  zohoId?: string | null;
  /** The values both sides now agree on (for echo suppression and field ownership). */
  syncedValues?: Record<string, unknown> | null;
  source?: unknown;
  payload?: unknown;
  request?: unknown;
  response?: unknown;
  error?: string | null;
}

export interface JournalRow {
  id: string;
  linkId: string;
  runId: string | null;
  flowKey: FlowKey;
  attempt: number;
  outcome: AttemptOutcome;
  source: unknown;
  payload: unknown;
  request: unknown;
  response: unknown;
  error: string | null;
  correlationId: string;
  createdAt: Date;
}

/** sync_link and sync_journal: each record's pairing and state, and every attempt on it. */
@Injectable()
export class SyncRecordsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The links for these keys of one side, created (pending) where missing; in input order. */
  async ensureLinks(tenantId: string, entity: LinkEntity, flowKey: FlowKey, side: 'sap' | 'zoho', keys: readonly string[]): Promise<LinkRow[]> {
    if (keys.length === 0) return [];
    const column = keyColumn(side);
    await this.db.query(
      `INSERT INTO sync_link (tenant_id, entity, flow_key, ${column}, status)
       SELECT $1, $2, $3, k, 'pending' FROM unnest($4::text[]) AS k
       ON CONFLICT (tenant_id, entity, ${column}) WHERE ${column} IS NOT NULL DO NOTHING`,
      [tenantId, entity, flowKey, keys],
    );
    const stored = await this.storedLinks(tenantId, entity, side, keys);
    return keys.map((key) => stored.get(key) as LinkRow);
  }

  /**
   * The links for these keys of one side, in input order; a key without one gets a draft (a new id,
   * status pending) that is stored with its first journaled attempt. One read and no write, where
   * ensureLinks writes each new link twice (created, then its outcome): the way for bulk loads whose
   * writes are idempotent anyway (upserts on a unique key), so no trace is needed before the call.
   */
  async linksFor(tenantId: string, entity: LinkEntity, flowKey: FlowKey, side: 'sap' | 'zoho', keys: readonly string[]): Promise<LinkRow[]> {
    if (keys.length === 0) return [];
    const stored = await this.storedLinks(tenantId, entity, side, keys);
    return keys.map((key) => stored.get(key) ?? draftLink(tenantId, entity, flowKey, side === 'sap' ? { sapKey: key } : { zohoId: key }));
  }

  /** The stored links among these keys of one side, by key. */
  private async storedLinks(tenantId: string, entity: LinkEntity, side: 'sap' | 'zoho', keys: readonly string[]): Promise<Map<string, LinkRow>> {
    const column = keyColumn(side);
    const rows = await queryRows<DbRow>(this.db, `SELECT * FROM sync_link WHERE tenant_id = $1 AND entity = $2 AND ${column} = ANY($3::text[])`, [tenantId, entity, keys]);
    return new Map(rows.map((row) => [row[column] as string, toLink(row)]));
  }

  async findBySap(tenantId: string, entity: LinkEntity, sapKey: string): Promise<LinkRow | undefined> {
    const rows = await queryRows<DbRow>(this.db, `SELECT * FROM sync_link WHERE tenant_id = $1 AND entity = $2 AND sap_key = $3`, [tenantId, entity, sapKey]);
    return rows[0] && toLink(rows[0]);
  }

  async findByZoho(tenantId: string, entity: LinkEntity, zohoId: string): Promise<LinkRow | undefined> {
    const rows = await queryRows<DbRow>(this.db, `SELECT * FROM sync_link WHERE tenant_id = $1 AND entity = $2 AND zoho_id = $3`, [tenantId, entity, zohoId]);
    return rows[0] && toLink(rows[0]);
  }

  async get(tenantId: string, linkId: string): Promise<LinkRow | undefined> {
    const rows = await queryRows<DbRow>(this.db, `SELECT * FROM sync_link WHERE tenant_id = $1 AND id = $2`, [tenantId, linkId]);
    return rows[0] && toLink(rows[0]);
  }

  /** Links of a flow that a run must (re)try: pending, and half-written ones whose outcome is unknown. */
  async unfinished(tenantId: string, flowKey: FlowKey, limit: number): Promise<LinkRow[]> {
    const rows = await queryRows<DbRow>(
      this.db,
      `SELECT * FROM sync_link WHERE tenant_id = $1 AND flow_key = $2 AND status IN ('pending', 'writing') ORDER BY updated_at LIMIT $3`,
      [tenantId, flowKey, limit],
    );
    return rows.map(toLink);
  }

  /** Marks a link as being written to a target, so a crash leaves a trace the next attempt checks. */
  async markWriting(tenantId: string, linkId: string, correlationId: string): Promise<void> {
    await this.db.query(`UPDATE sync_link SET status = 'writing', correlation_id = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2`, [tenantId, linkId, correlationId]);
  }

  async setKeys(tenantId: string, linkId: string, keys: { sapKey?: string; zohoId?: string }): Promise<void> {
    await this.db.query(
      `UPDATE sync_link SET sap_key = coalesce($3, sap_key), zoho_id = coalesce($4, zoho_id), updated_at = now() WHERE tenant_id = $1 AND id = $2`,
      [tenantId, linkId, keys.sapKey ?? null, keys.zohoId ?? null],
    );
  }

  /**
   * Folds a Zoho-only link into an SAP-only link of the same record (found to be one vendor):
   * the Zoho id moves over with the journal, and the Zoho-only link goes.
   */
  async adoptZohoLink(tenantId: string, targetId: string, zohoOnlyId: string): Promise<void> {
    await this.db.transaction(async (manager) => {
      const rows: Array<{ zoho_id: string }> = await manager.query(
        `SELECT zoho_id FROM sync_link WHERE tenant_id = $1 AND id = $2 AND sap_key IS NULL FOR UPDATE`,
        [tenantId, zohoOnlyId],
      );
      const zohoId = rows[0]?.zoho_id;
      if (!zohoId) return;
      // The journal first: its entries now belong to the link that stays (nothing else points at this one).
      await manager.query(`UPDATE sync_journal SET link_id = $3 WHERE tenant_id = $1 AND link_id = $2`, [tenantId, zohoOnlyId, targetId]);
      await manager.query(`DELETE FROM sync_link WHERE tenant_id = $1 AND id = $2`, [tenantId, zohoOnlyId]);
      await manager.query(`UPDATE sync_link SET zoho_id = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2 AND zoho_id IS NULL`, [tenantId, targetId, zohoId]);
    });
  }

  /**
   * Records attempts: a journal entry each (numbered per link), and the link's new state. Success
   * resets the attempt count; a dead letter keeps the reason a person acts on. Attempts on drafts
   * store their link and its entry in one statement; attempts on stored links update them in another.
   */
  async recordAttempts(tenantId: string, flowKey: FlowKey, runId: string | null, attempts: readonly AttemptRecord[]): Promise<void> {
    const onDrafts = attempts.filter((a) => a.draft);
    const onStored = attempts.filter((a) => !a.draft);
    if (onDrafts.length > 0) await preparedQuery(this.db, 'sync_create_links_with_attempts', CREATE_LINKS_WITH_ATTEMPTS, [tenantId, flowKey, runId, ...attemptInput(onDrafts)]);
    if (onStored.length > 0) await preparedQuery(this.db, 'sync_update_links_with_attempts', UPDATE_LINKS_WITH_ATTEMPTS, [tenantId, flowKey, runId, ...attemptInput(onStored)]);
  }

  /**
   * Deletes up to `limit` journal entries (of every tenant) older than `days`, oldest first, but never
   * a record's latest entry, so each record still shows how it last went. Returns how many went; one
   * replica at a time (a transaction-level advisory lock; the others return 0).
   */
  async pruneJournal(days: number, limit: number): Promise<number> {
    return this.db.transaction(async (manager) => {
      const [lock] = (await manager.query(`SELECT pg_try_advisory_xact_lock($1, 0) AS locked`, [JOURNAL_PRUNE_LOCK_CLASS])) as Array<{ locked: boolean }>;
      if (!lock?.locked) return 0;
      const deleted = await queryRows<{ id: string }>(
        manager,
        `DELETE FROM sync_journal WHERE id IN (
           SELECT j.id FROM sync_journal j
            WHERE j.created_at < now() - make_interval(days => $1)
              AND EXISTS (SELECT 1 FROM sync_journal later WHERE later.link_id = j.link_id AND later.id > j.id)
            ORDER BY j.id LIMIT $2)
         RETURNING id`,
        [days, limit],
      );
      return deleted.length;
    });
  }

  /** Records whose key in any system contains `query` (SAP number, Zoho id), newest first. */
  async search(tenantId: string, options: { query?: string; status?: LinkStatus; flowKey?: FlowKey; limit: number }): Promise<LinkRow[]> {
    const pattern = options.query ? `%${options.query.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
    const rows = await queryRows<DbRow>(
      this.db,
      `SELECT * FROM sync_link WHERE tenant_id = $1
          AND ($2::text IS NULL OR sap_key ILIKE $2 OR zoho_id ILIKE $2 OR ltrim(sap_key, '0') ILIKE $2)
          AND ($3::text IS NULL OR status = $3) AND ($4::text IS NULL OR flow_key = $4)
        ORDER BY updated_at DESC LIMIT $5`,
      [tenantId, pattern, options.status ?? null, options.flowKey ?? null, options.limit],
    );
    return rows.map(toLink);
  }

  async journal(tenantId: string, linkId: string): Promise<JournalRow[]> {
    const rows = await queryRows<DbRow>(this.db, `SELECT * FROM sync_journal WHERE tenant_id = $1 AND link_id = $2 ORDER BY id`, [tenantId, linkId]);
    return rows.map(toJournal);
  }

  /** Puts dead letters back in the queue; returns the flows that now have work. */
  async requeue(tenantId: string, filter: { linkId?: string; flowKey?: FlowKey }): Promise<Array<{ id: string; flowKey: FlowKey }>> {
    const rows = await queryRows<{ id: string; flow_key: FlowKey }>(
      this.db,
      `UPDATE sync_link SET status = 'pending', attempts = 0, dead_reason = NULL, updated_at = now()
        WHERE tenant_id = $1 AND status = 'dead' AND ($2::uuid IS NULL OR id = $2) AND ($3::text IS NULL OR flow_key = $3)
        RETURNING id, flow_key`,
      [tenantId, filter.linkId ?? null, filter.flowKey ?? null],
    );
    return rows.map((row) => ({ id: row.id, flowKey: row.flow_key }));
  }

  async counts(tenantId: string): Promise<Array<{ flowKey: FlowKey; status: LinkStatus; count: number }>> {
    const rows = await queryRows<{ flow_key: FlowKey; status: LinkStatus; count: string }>(
      this.db,
      `SELECT flow_key, status, count(*) AS count FROM sync_link WHERE tenant_id = $1 GROUP BY flow_key, status`,
      [tenantId],
    );
    return rows.map((row) => ({ flowKey: row.flow_key, status: row.status, count: Number(row.count) }));
  }
}

type DbRow = Record<string, unknown>;

function keyColumn(side: 'sap' | 'zoho'): 'sap_key' | 'zoho_id' {
  return side === 'sap' ? 'sap_key' : 'zoho_id';
}

/** pg_try_advisory_xact_lock(class, 0): one replica prunes the journal at a time. */
const JOURNAL_PRUNE_LOCK_CLASS = 7_740_201;

/**
 * Attempts as one JSON array per column (ATTEMPT_INPUT names them), and the distinct request
 * summaries they point to (a batch call's summary is one object shared by its 100 records, sent
 * once). Values that are the payload itself (an upsert's usual case) are flagged, not sent twice.
 * PostgreSQL splits each array in one pass and stores the documents as they come; one array of row
 * objects (json_to_recordset) cost it a hash table per row and a second pass over every document:
 * ~4 CPU-us more per record on a bulk load, of its ~34.
 */
function attemptInput(attempts: readonly AttemptRecord[]): string[] {
  const requests: unknown[] = [];
  const requestAt = new Map<unknown, number>();
  const requestIndex = attempts.map((a) => {
    if (a.request === undefined || a.request === null) return null;
    const at = requestAt.get(a.request) ?? requests.push(a.request) - 1;
    requestAt.set(a.request, at);
    return at;
  });
  const valuesArePayload = attempts.map((a) => a.syncedValues !== undefined && a.syncedValues !== null && a.syncedValues === a.payload);
  const column = (pick: (a: AttemptRecord, at: number) => unknown): string => JSON.stringify(attempts.map((a, at) => pick(a, at) ?? null));
  return [
    column((a) => a.linkId),
    column((a) => a.draft?.entity),
    column((a) => a.outcome),
    column((a) => a.correlationId),
    column((a) => a.sapKey ?? a.draft?.sapKey),
    column((a) => a.zohoId ?? a.draft?.zohoId),
    JSON.stringify(valuesArePayload),
    JSON.stringify(requestIndex),
    column((a) => a.error),
    column((a, at) => (valuesArePayload[at] ? null : a.syncedValues)),
    column((a) => a.source),
    column((a) => a.payload),
    column((a) => a.response),
    JSON.stringify(requests),
  ];
}

/** A JSON null in a document column is no document (SQL NULL), as it was before it was sent. */
const doc = (column: string): string => `CASE WHEN json_typeof(x.${column}) <> 'null' THEN x.${column} END`;

/** $4-$16: attemptInput's columns (JSON arrays, one element per attempt, in order), $17 the request summaries. */
const ATTEMPT_INPUT = `
  input AS (
    SELECT x.link_id::uuid, x.entity, x.outcome, x.correlation_id::uuid, x.sap_key, x.zoho_id, x.error,
           ${doc('source')} AS source, ${doc('payload')} AS payload, ${doc('response')} AS response,
           CASE WHEN x.values_are_payload::boolean THEN ${doc('payload')} ELSE ${doc('synced_values')} END AS agreed,
           $17::json -> x.request_at::integer AS request
      FROM ROWS FROM (
        json_array_elements_text($4::json), json_array_elements_text($5::json), json_array_elements_text($6::json),
        json_array_elements_text($7::json), json_array_elements_text($8::json), json_array_elements_text($9::json),
        json_array_elements_text($10::json), json_array_elements_text($11::json), json_array_elements_text($12::json),
        json_array_elements($13::json), json_array_elements($14::json), json_array_elements($15::json), json_array_elements($16::json)
      ) AS x(link_id, entity, outcome, correlation_id, sap_key, zoho_id, values_are_payload, request_at, error, synced_values, source, payload, response))`;

const IS_OK = `i.outcome IN ('succeeded', 'skipped')`;
const LINK_STATUS = `CASE i.outcome WHEN 'retry' THEN 'pending' WHEN 'dead' THEN 'dead' ELSE 'synced' END`;

/** $1 tenant, $2 flow, $3 run, then the attempts (ATTEMPT_INPUT): drafts stored with their first attempt. */
const CREATE_LINKS_WITH_ATTEMPTS = `
  WITH ${ATTEMPT_INPUT},
  created AS (
    INSERT INTO sync_link (id, tenant_id, entity, flow_key, sap_key, zoho_id, status, attempts, last_error, dead_reason, synced_values, correlation_id, synced_at)
    SELECT i.link_id, $1, i.entity, $2, i.sap_key, i.zoho_id, ${LINK_STATUS}, CASE WHEN ${IS_OK} THEN 0 ELSE 1 END, i.error,
           CASE WHEN i.outcome = 'dead' THEN i.error END, CASE WHEN ${IS_OK} THEN i.agreed END, i.correlation_id, CASE WHEN ${IS_OK} THEN now() END
      FROM input i
    RETURNING id)
  INSERT INTO sync_journal (tenant_id, link_id, run_id, flow_key, attempt, outcome, source, payload, request, response, error, correlation_id)
  SELECT $1, i.link_id, $3::uuid, $2, 1, i.outcome, i.source, i.payload, i.request, i.response, i.error, i.correlation_id
    FROM input i JOIN created c ON c.id = i.link_id`;

/** $1 tenant, $2 flow, $3 run, then the attempts (ATTEMPT_INPUT): stored links take the outcome, numbered per link. */
const UPDATE_LINKS_WITH_ATTEMPTS = `
  WITH ${ATTEMPT_INPUT},
  prior AS (SELECT l.id, l.attempts FROM sync_link l JOIN input i ON i.link_id = l.id WHERE l.tenant_id = $1),
  changed AS (
    UPDATE sync_link l SET
      status = ${LINK_STATUS},
      attempts = CASE WHEN ${IS_OK} THEN 0 ELSE l.attempts + 1 END,
      last_error = i.error,
      dead_reason = CASE WHEN i.outcome = 'dead' THEN i.error ELSE NULL END,
      sap_key = coalesce(i.sap_key, l.sap_key),
      zoho_id = coalesce(i.zoho_id, l.zoho_id),
      synced_values = CASE WHEN ${IS_OK} THEN coalesce(i.agreed, l.synced_values) ELSE l.synced_values END,
      correlation_id = i.correlation_id,
      synced_at = CASE WHEN ${IS_OK} THEN now() ELSE l.synced_at END,
      updated_at = now()
    FROM input i WHERE l.id = i.link_id AND l.tenant_id = $1
    RETURNING l.id)
  INSERT INTO sync_journal (tenant_id, link_id, run_id, flow_key, attempt, outcome, source, payload, request, response, error, correlation_id)
  SELECT $1, i.link_id, $3::uuid, $2, p.attempts + 1, i.outcome, i.source, i.payload, i.request, i.response, i.error, i.correlation_id
    FROM input i JOIN prior p ON p.id = i.link_id JOIN changed c ON c.id = i.link_id`;

/** Draft ids are time-ordered (UUIDv7): a bulk load appends to the link's indexes instead of writing random pages. */
function draftLink(tenantId: string, entity: LinkEntity, flowKey: FlowKey, keys: { sapKey?: string; zohoId?: string }): LinkRow {
  return {
    id: randomUUIDv7(), tenantId, entity, flowKey, sapKey: keys.sapKey ?? null, zohoId: keys.zohoId ?? null, status: 'pending', attempts: 0,
    lastError: null, deadReason: null, syncedValues: null, correlationId: null, syncedAt: null, updatedAt: new Date(), draft: true,
  };
}

function toLink(row: DbRow): LinkRow {
  return {
    id: row['id'] as string,
    tenantId: row['tenant_id'] as string,
    entity: row['entity'] as LinkEntity,
    flowKey: row['flow_key'] as FlowKey,
    sapKey: (row['sap_key'] as string | null) ?? null,
    zohoId: (row['zoho_id'] as string | null) ?? null,
    status: row['status'] as LinkStatus,
    attempts: row['attempts'] as number,
    lastError: (row['last_error'] as string | null) ?? null,
    deadReason: (row['dead_reason'] as string | null) ?? null,
    syncedValues: (row['synced_values'] as Record<string, unknown> | null) ?? null,
    correlationId: (row['correlation_id'] as string | null) ?? null,
    syncedAt: (row['synced_at'] as Date | null) ?? null,
    updatedAt: row['updated_at'] as Date,
  };
}

function toJournal(row: DbRow): JournalRow {
  return {
    id: String(row['id']),
    linkId: row['link_id'] as string,
    runId: (row['run_id'] as string | null) ?? null,
    flowKey: row['flow_key'] as FlowKey,
    attempt: row['attempt'] as number,
    outcome: row['outcome'] as AttemptOutcome,
    source: row['source'] ?? null,
    payload: row['payload'] ?? null,
    request: row['request'] ?? null,
    response: row['response'] ?? null,
    error: (row['error'] as string | null) ?? null,
    correlationId: row['correlation_id'] as string,
    createdAt: row['created_at'] as Date,
  };
}
