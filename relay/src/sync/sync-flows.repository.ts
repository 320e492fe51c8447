import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { queryRows } from '../common/query-rows.js';
import { FLOWS, FLOW_KEYS, type FlowKey } from './flow-keys.js';

export interface FlowRow {
  tenantId: string;
  flowKey: FlowKey;
  enabled: boolean;
  scheduleMs: number;
  config: Record<string, unknown>;
  state: Record<string, unknown>;
  nextRunAt: Date | null;
  leaseOwner: string | null;
  leaseUntil: Date | null;
  /** Why the flow is due early (run now, a Zoho change, a replay); none for the schedule. */
  pendingTrigger: RunTrigger | null;
  updatedAt: Date;
}

export type RunTrigger = 'schedule' | 'manual' | 'event' | 'replay';
export type RunStatus = 'running' | 'succeeded' | 'partial' | 'failed' | 'abandoned';

export interface RunCounts {
  recordsSeen: number;
  succeeded: number;
  skipped: number;
  retryLater: number;
  dead: number;
  sapRowsRead: number;
}

export interface RunRow extends RunCounts {
  id: string;
  tenantId: string;
  flowKey: FlowKey;
  trigger: RunTrigger;
  status: RunStatus;
  replica: string;
  startedAt: Date;
  finishedAt: Date | null;
  error: string | null;
}

/** sync_flow and sync_run: which flows a tenant runs, their schedule leases, and what each run did. */
@Injectable()
export class SyncFlowsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Every flow has a row per tenant (disabled until someone enables it). */
  async ensure(tenantId: string): Promise<void> {
    await this.db.query(
      `INSERT INTO sync_flow (tenant_id, flow_key, schedule_ms)
       SELECT $1, k.key, k.schedule FROM jsonb_to_recordset($2::jsonb) AS k(key text, schedule integer)
       ON CONFLICT DO NOTHING`,
      [tenantId, JSON.stringify(FLOW_KEYS.map((key) => ({ key, schedule: FLOWS[key].defaultScheduleMs })))],
    );
  }

  async list(tenantId: string): Promise<FlowRow[]> {
    await this.ensure(tenantId);
    const rows = await queryRows<DbRow>(this.db, `SELECT * FROM sync_flow WHERE tenant_id = $1 ORDER BY flow_key`, [tenantId]);
    return rows.map(toFlow);
  }

  async get(tenantId: string, flowKey: FlowKey): Promise<FlowRow> {
    await this.ensure(tenantId);
    const rows = await queryRows<DbRow>(this.db, `SELECT * FROM sync_flow WHERE tenant_id = $1 AND flow_key = $2`, [tenantId, flowKey]);
    return toFlow(rows[0] as DbRow);
  }

  /** Enabling (or a new schedule) makes the flow due at once. */
  async update(tenantId: string, flowKey: FlowKey, change: { enabled?: boolean; scheduleMs?: number; config?: Record<string, unknown> }): Promise<FlowRow> {
    await this.ensure(tenantId);
    const rows = await queryRows<DbRow>(
      this.db,
      `UPDATE sync_flow SET
         enabled = coalesce($3, enabled),
         schedule_ms = coalesce($4, schedule_ms),
         config = coalesce($5::jsonb, config),
         next_run_at = CASE WHEN coalesce($3, enabled) AND (next_run_at IS NULL OR $4::integer IS NOT NULL OR NOT enabled) THEN now() ELSE next_run_at END,
         updated_at = now()
       WHERE tenant_id = $1 AND flow_key = $2 RETURNING *`,
      [tenantId, flowKey, change.enabled ?? null, change.scheduleMs ?? null, change.config ? JSON.stringify(change.config) : null],
    );
    return toFlow(rows[0] as DbRow);
  }

  /** "Run now": whichever replica's scheduler looks next takes it, once. */
  async requestRun(tenantId: string, flowKeys: readonly FlowKey[], trigger: RunTrigger = 'manual'): Promise<number> {
    if (flowKeys.length === 0) return 0;
    const rows = await queryRows<unknown>(
      this.db,
      `UPDATE sync_flow SET next_run_at = now(), pending_trigger = $3 WHERE tenant_id = $1 AND flow_key = ANY($2) AND enabled RETURNING flow_key`,
      [tenantId, flowKeys, trigger],
    );
    return rows.length;
  }

  /**
   * Takes up to `limit` due flows for this replica: due, enabled, and not leased by a live run. The
   * row lock with SKIP LOCKED makes a due flow go to exactly one replica; its next run moves one
   * schedule on at once. A lease that lapsed with its owner still set is a run that never ended (its
   * replica died or hung): that flow is due again at once, and a load goes on from its checkpoint.
   */
  async claimDue(replica: string, leaseMs: number, limit: number): Promise<FlowRow[]> {
    const rows = await queryRows<DbRow>(
      this.db,
      `UPDATE sync_flow f SET lease_owner = $1, lease_until = now() + make_interval(secs => $2::float8 / 1000),
              next_run_at = now() + make_interval(secs => f.schedule_ms::float8 / 1000), pending_trigger = NULL
        WHERE (f.tenant_id, f.flow_key) IN (
          SELECT tenant_id, flow_key FROM sync_flow
           WHERE enabled AND (lease_until IS NULL OR lease_until < now()) AND (next_run_at <= now() OR lease_owner IS NOT NULL)
           ORDER BY next_run_at LIMIT $3 FOR UPDATE SKIP LOCKED)
        RETURNING f.*, (SELECT pending_trigger FROM sync_flow o WHERE o.tenant_id = f.tenant_id AND o.flow_key = f.flow_key) AS claimed_trigger`,
      [replica, leaseMs, limit],
    );
    return rows.map((row) => ({ ...toFlow(row), pendingTrigger: (row['claimed_trigger'] as RunTrigger | null) ?? null }));
  }

  /** False when the lease was lost (it lapsed and another replica took the flow): the run must stop. */
  async renewLease(tenantId: string, flowKey: FlowKey, replica: string, leaseMs: number): Promise<boolean> {
    const rows = await queryRows<unknown>(
      this.db,
      `UPDATE sync_flow SET lease_until = now() + make_interval(secs => $4::float8 / 1000)
        WHERE tenant_id = $1 AND flow_key = $2 AND lease_owner = $3 RETURNING 1`,
      [tenantId, flowKey, replica, leaseMs],
    );
    return rows.length === 1;
  }

  async saveState(tenantId: string, flowKey: FlowKey, replica: string, state: Record<string, unknown>): Promise<boolean> {
    const rows = await queryRows<unknown>(
      this.db,
      `UPDATE sync_flow SET state = $4::jsonb WHERE tenant_id = $1 AND flow_key = $2 AND lease_owner = $3 RETURNING 1`,
      [tenantId, flowKey, replica, JSON.stringify(state)],
    );
    return rows.length === 1;
  }

  async releaseLease(tenantId: string, flowKey: FlowKey, replica: string): Promise<void> {
    await this.db.query(`UPDATE sync_flow SET lease_owner = NULL, lease_until = NULL WHERE tenant_id = $1 AND flow_key = $2 AND lease_owner = $3`, [tenantId, flowKey, replica]);
  }

  async wake(tenantId: string, module: string): Promise<number> {
    const keys = FLOW_KEYS.filter((key) => FLOWS[key].wakesOn.includes(module));
    return this.requestRun(tenantId, keys, 'event');
  }

  async startRun(tenantId: string, flowKey: FlowKey, trigger: RunTrigger, replica: string): Promise<string> {
    const rows = await queryRows<{ id: string }>(
      this.db,
      `INSERT INTO sync_run (tenant_id, flow_key, trigger, status, replica) VALUES ($1, $2, $3, 'running', $4) RETURNING id`,
      [tenantId, flowKey, trigger, replica],
    );
    return (rows[0] as { id: string }).id;
  }

  async finishRun(runId: string, status: RunStatus, counts: RunCounts, error: string | null): Promise<void> {
    await this.db.query(
      `UPDATE sync_run SET status = $2, finished_at = now(), records_seen = $3, succeeded = $4, skipped = $5, retry_later = $6, dead = $7, sap_rows_read = $8, error = $9 WHERE id = $1`,
      [runId, status, counts.recordsSeen, counts.succeeded, counts.skipped, counts.retryLater, counts.dead, counts.sapRowsRead, error],
    );
  }

  async abandonStaleRuns(): Promise<void> {
    await this.db.query(
      `UPDATE sync_run r SET status = 'abandoned', finished_at = now(), error = 'the relay replica running it stopped'
        WHERE r.status = 'running' AND NOT EXISTS (
          SELECT 1 FROM sync_flow f WHERE f.tenant_id = r.tenant_id AND f.flow_key = r.flow_key AND f.lease_owner = r.replica AND f.lease_until > now())`,
    );
  }

  async runs(tenantId: string, options: { flowKey?: FlowKey; limit: number }): Promise<RunRow[]> {
    const rows = await queryRows<DbRow>(
      this.db,
      `SELECT * FROM sync_run WHERE tenant_id = $1 AND ($2::text IS NULL OR flow_key = $2) ORDER BY started_at DESC LIMIT $3`,
      [tenantId, options.flowKey ?? null, options.limit],
    );
    return rows.map(toRun);
  }

  async run(tenantId: string, runId: string): Promise<RunRow | undefined> {
    const rows = await queryRows<DbRow>(this.db, `SELECT * FROM sync_run WHERE tenant_id = $1 AND id = $2`, [tenantId, runId]);
    return rows[0] && toRun(rows[0]);
  }
}

type DbRow = Record<string, unknown>;

function toFlow(row: DbRow): FlowRow {
  return {
    tenantId: row['tenant_id'] as string,
    flowKey: row['flow_key'] as FlowKey,
    enabled: row['enabled'] as boolean,
    scheduleMs: row['schedule_ms'] as number,
    config: row['config'] as Record<string, unknown>,
    state: row['state'] as Record<string, unknown>,
    nextRunAt: (row['next_run_at'] as Date | null) ?? null,
    leaseOwner: (row['lease_owner'] as string | null) ?? null,
    leaseUntil: (row['lease_until'] as Date | null) ?? null,
    pendingTrigger: (row['pending_trigger'] as RunTrigger | null) ?? null,
    updatedAt: row['updated_at'] as Date,
  };
}

function toRun(row: DbRow): RunRow {
  return {
    id: row['id'] as string,
    tenantId: row['tenant_id'] as string,
    flowKey: row['flow_key'] as FlowKey,
    trigger: row['trigger'] as RunTrigger,
    status: row['status'] as RunStatus,
    replica: row['replica'] as string,
    startedAt: row['started_at'] as Date,
    finishedAt: (row['finished_at'] as Date | null) ?? null,
    recordsSeen: row['records_seen'] as number,
    succeeded: row['succeeded'] as number,
    skipped: row['skipped'] as number,
    retryLater: row['retry_later'] as number,
    dead: row['dead'] as number,
    sapRowsRead: row['sap_rows_read'] as number,
    error: (row['error'] as string | null) ?? null,
  };
}
