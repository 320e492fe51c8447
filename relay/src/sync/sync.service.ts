import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '../common/domain-error.js';
import { FLOWS, isFlowKey, type FlowKey } from './flow-keys.js';
import { FlowAvailability } from './flow-availability.js';
import { parseFlowConfig } from './flow-config.js';
import { SyncFlowsRepository, type RunRow } from './sync-flows.repository.js';
import { SyncRecordsRepository, type JournalRow, type LinkRow, type LinkStatus } from './sync-records.repository.js';

export interface FlowView {
  key: FlowKey;
  title: string;
  enabled: boolean;
  /** False when the tenant's Zoho edition lacks a module the flow needs; `unavailableReason` says which. */
  available: boolean;
  unavailableReason: string | null;
  scheduleMs: number;
  config: Record<string, unknown>;
  nextRunAt: Date | null;
  running: boolean;
  lastRun: RunRow | null;
  records: Partial<Record<LinkStatus, number>>;
}

export interface FlowChange {
  enabled?: boolean;
  scheduleMs?: number;
  config?: unknown;
}

/** Starts a look for due flows now; the relay's scheduler, or nothing in the CLI (relays look every second). */
export interface SyncKick {
  kick(): void;
}
export const SYNC_KICK = Symbol('SYNC_KICK');

const LINK_STATUSES: readonly LinkStatus[] = ['synced', 'pending', 'dead', 'writing'];

/** What operators do with flows and records (API, console, CLI): one place, tenant-scoped throughout. */
@Injectable()
export class SyncService {
  constructor(
    private readonly flows: SyncFlowsRepository,
    private readonly records: SyncRecordsRepository,
    @Inject(SYNC_KICK) private readonly scheduler: SyncKick,
    private readonly availability: FlowAvailability,
  ) {}

  async listFlows(tenantId: string): Promise<FlowView[]> {
    const [rows, runs, counts, availability] = await Promise.all([this.flows.list(tenantId), this.flows.runs(tenantId, { limit: 100 }), this.records.counts(tenantId), this.availability.forTenant(tenantId)]);
    return rows.map((row) => ({
      key: row.flowKey,
      title: FLOWS[row.flowKey].title,
      enabled: row.enabled,
      available: availability(row.flowKey).available,
      unavailableReason: availability(row.flowKey).reason,
      scheduleMs: row.scheduleMs,
      config: parseFlowConfig(row.flowKey, row.config) as Record<string, unknown>,
      nextRunAt: row.enabled ? row.nextRunAt : null,
      running: row.leaseUntil !== null && row.leaseUntil.getTime() > Date.now(),
      lastRun: runs.find((run) => run.flowKey === row.flowKey) ?? null,
      records: Object.fromEntries(counts.filter((c) => c.flowKey === row.flowKey).map((c) => [c.status, c.count])),
    }));
  }

  async flow(tenantId: string, key: string): Promise<FlowView> {
    const flowKey = this.flowKey(key);
    return (await this.listFlows(tenantId)).find((view) => view.key === flowKey) as FlowView;
  }

  /** Config is validated (every bad field named) and stored with its defaults filled in. */
  async updateFlow(tenantId: string, key: string, change: FlowChange): Promise<FlowView> {
    const flowKey = this.flowKey(key);
    if (change.scheduleMs !== undefined && (!Number.isInteger(change.scheduleMs) || change.scheduleMs < 1_000 || change.scheduleMs > 7 * 86_400_000)) {
      throw new DomainError('INVALID_INPUT', `schedule: ${change.scheduleMs} ms is not between 1 s and 7 days`, { fields: 'schedule_ms' });
    }
    const config = change.config === undefined ? undefined : (parseFlowConfig(flowKey, change.config) as Record<string, unknown>);
    if (change.enabled) {
      const { available, reason } = await this.availability.of(tenantId, flowKey);
      if (!available) throw new DomainError('CONFLICT', `flow ${flowKey} is unavailable: it ${reason}`, { flow: flowKey, reason: 'zoho_edition' });
    }
    await this.flows.update(tenantId, flowKey, { enabled: change.enabled, scheduleMs: change.scheduleMs, config });
    if (change.enabled) this.scheduler.kick();
    return this.flow(tenantId, flowKey);
  }

  async runNow(tenantId: string, key: string): Promise<void> {
    const flowKey = this.flowKey(key);
    if ((await this.flows.requestRun(tenantId, [flowKey], 'manual')) === 0) {
      throw new DomainError('CONFLICT', `flow ${flowKey} is not enabled; enable it first`, { flow: flowKey });
    }
    this.scheduler.kick();
  }

  runs(tenantId: string, options: { flow?: string; limit?: number }): Promise<RunRow[]> {
    return this.flows.runs(tenantId, { flowKey: options.flow ? this.flowKey(options.flow) : undefined, limit: Math.min(Math.max(options.limit ?? 50, 1), 500) });
  }

  searchRecords(tenantId: string, options: { query?: string; status?: string; flow?: string; limit?: number }): Promise<LinkRow[]> {
    if (options.status !== undefined && !LINK_STATUSES.includes(options.status as LinkStatus)) {
      throw new DomainError('INVALID_INPUT', `status must be one of ${LINK_STATUSES.join(', ')}`, { fields: 'status' });
    }
    return this.records.search(tenantId, {
      query: options.query?.trim() || undefined,
      status: options.status as LinkStatus | undefined,
      flowKey: options.flow ? this.flowKey(options.flow) : undefined,
      limit: Math.min(Math.max(options.limit ?? 50, 1), 500),
    });
  }

  async record(tenantId: string, linkId: string): Promise<{ record: LinkRow; journal: JournalRow[] }> {
    const record = await this.link(tenantId, linkId);
    return { record, journal: await this.records.journal(tenantId, record.id) };
  }

  /** Puts one dead letter back and runs its flow now. */
  async replay(tenantId: string, linkId: string): Promise<{ replayed: number }> {
    const link = await this.link(tenantId, linkId);
    if (link.status !== 'dead') throw new DomainError('CONFLICT', `record ${linkId} is ${link.status}, not failed: nothing to replay`, { status: link.status });
    return this.requeue(tenantId, { linkId: link.id });
  }

  /** Puts every dead letter (of one flow, or all) back and runs the flows now. */
  replayAll(tenantId: string, flow?: string): Promise<{ replayed: number }> {
    return this.requeue(tenantId, { flowKey: flow ? this.flowKey(flow) : undefined });
  }

  private async requeue(tenantId: string, filter: { linkId?: string; flowKey?: FlowKey }): Promise<{ replayed: number }> {
    const requeued = await this.records.requeue(tenantId, filter);
    await this.flows.requestRun(tenantId, [...new Set(requeued.map((r) => r.flowKey))], 'replay');
    this.scheduler.kick();
    return { replayed: requeued.length };
  }

  private async link(tenantId: string, linkId: string): Promise<LinkRow> {
    const link = /^[0-9a-f-]{36}$/i.test(linkId) ? await this.records.get(tenantId, linkId) : undefined;
    if (!link) throw new DomainError('NOT_FOUND', `no record ${linkId} in this tenant`, { record: linkId });
    return link;
  }

  private flowKey(key: string): FlowKey {
    if (!isFlowKey(key)) throw new DomainError('NOT_FOUND', `no flow "${key}"; flows: ${Object.keys(FLOWS).join(', ')}`, { flow: key });
    return key;
  }
}
