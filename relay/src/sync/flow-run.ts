import { randomUUID } from 'node:crypto';
import pRetry from 'p-retry';
import type { Logger } from '../common/logger.js';
import type { TenantZoho } from '../zoho/zoho-clients.service.js';
import type { FlowConfig } from './flow-config.js';
import type { FlowKey } from './flow-keys.js';
import type { RunCounts, RunTrigger } from './sync-flows.repository.js';
import type { AttemptRecord, LinkRow, SyncRecordsRepository } from './sync-records.repository.js';
import type { SapSite } from './sap-site.js';
import { classifyFailure } from './record-failure.js';
import { JournalBatcher } from './journal-batcher.js';

/** What an attempt sent and got back, filled in as it goes so a failure is journaled with what it did. */
export interface AttemptReport {
  payload?: unknown;
  request?: unknown;
  response?: unknown;
}

/** How an attempt on a record ended well: written, or nothing to write (already in sync). */
export interface AttemptDone {
  outcome: 'succeeded' | 'skipped';
  sapKey?: string;
  zohoId?: string;
  syncedValues?: Record<string, unknown>;
}

export interface AttemptContext {
  readonly correlationId: string;
  readonly report: AttemptReport;
}

export interface FlowRunParts<K extends FlowKey> {
  readonly id: string;
  readonly tenantId: string;
  readonly flowKey: K;
  readonly trigger: RunTrigger;
  readonly config: FlowConfig<K>;
  readonly state: Record<string, unknown>;
  readonly sap: SapSite;
  readonly zoho: () => Promise<TenantZoho>;
  readonly records: SyncRecordsRepository;
  readonly saveState: (state: Record<string, unknown>) => Promise<void>;
  readonly signal: AbortSignal;
  readonly log: Logger;
}

/** In-run retries of a retryable failure: short, with jitter; what still fails waits for the next run. */
const RECORD_RETRY = { retries: 3, factor: 2, minTimeout: 250, maxTimeout: 4_000, randomize: true };

/**
 * One run of one flow for one tenant: its config and watermarks, its way into SAP and Zoho, and the
 * bookkeeping every record goes through (journal entry per attempt, link state, dead letters, counts).
 */
export class FlowRun<K extends FlowKey> {
  readonly counts: RunCounts = { recordsSeen: 0, succeeded: 0, skipped: 0, retryLater: 0, dead: 0, sapRowsRead: 0 };

  /** Attempts journaled while earlier ones are being written go together (see JournalBatcher). */
  private readonly journalWrites: JournalBatcher;

  constructor(private readonly parts: FlowRunParts<K>) {
    this.journalWrites = new JournalBatcher((attempts) => parts.records.recordAttempts(parts.tenantId, parts.flowKey, parts.id, attempts));
  }

  get id(): string { return this.parts.id; }
  get tenantId(): string { return this.parts.tenantId; }
  get flowKey(): K { return this.parts.flowKey; }
  get trigger(): RunTrigger { return this.parts.trigger; }
  get config(): FlowConfig<K> { return this.parts.config; }
  get state(): Record<string, unknown> { return this.parts.state; }
  get sap(): SapSite { return this.parts.sap; }
  get records(): SyncRecordsRepository { return this.parts.records; }
  get signal(): AbortSignal { return this.parts.signal; }
  get log(): Logger { return this.parts.log; }

  zoho(): Promise<TenantZoho> {
    return this.parts.zoho();
  }

  /** Persists watermarks; throws when the run lost its lease (another replica now owns the flow). */
  async checkpoint(change: Record<string, unknown>): Promise<void> {
    Object.assign(this.parts.state, change);
    await this.parts.saveState(this.parts.state);
  }

  /**
   * Runs one record's work with in-run retries; every attempt is journaled and the link takes the
   * outcome. Never throws for the record's own failure: that is the record's state, not the run's.
   */
  async attempt(link: LinkRow, source: unknown, work: (context: AttemptContext) => Promise<AttemptDone>): Promise<AttemptRecord['outcome']> {
    this.counts.recordsSeen += 1;
    const correlationId = randomUUID();
    const report: AttemptReport = {};
    try {
      const done = await pRetry(() => work({ correlationId, report }), {
        ...RECORD_RETRY,
        signal: this.signal,
        shouldRetry: ({ error }) => classifyFailure(error).outcome === 'retry' && !this.signal.aborted,
        onFailedAttempt: async ({ error }) => {
          const failure = classifyFailure(error);
          if (failure.outcome === 'retry') await this.journal([{ linkId: link.id, outcome: 'retry', correlationId, source, ...report, error: failure.reason }], false);
        },
      });
      await this.journal([{ linkId: link.id, correlationId, source, ...report, ...done }]);
      return done.outcome;
    } catch (err) {
      // The run is stopping (lease lost, shutdown): the link keeps its state and the next run retries.
      if (this.signal.aborted) {
        this.count('retry');
        return 'retry';
      }
      const failure = classifyFailure(err);
      // A record whose last retryable failure ended the loop is journaled by onFailedAttempt already.
      this.log.warn({ correlationId, linkId: link.id, sapKey: link.sapKey, zohoId: link.zohoId, outcome: failure.outcome, reason: failure.reason }, 'a record failed');
      if (failure.outcome === 'dead') await this.journal([{ linkId: link.id, outcome: 'dead', correlationId, source, ...report, error: failure.reason }]);
      else this.count('retry');
      return failure.outcome;
    }
  }

  /** Journals attempts (one entry each), counting their outcomes unless told not to (an in-run retry). */
  async journal(attempts: readonly AttemptRecord[], countOutcomes = true): Promise<void> {
    if (countOutcomes) for (const a of attempts) this.count(a.outcome);
    await this.journalWrites.add(attempts);
  }

  private count(outcome: AttemptRecord['outcome']): void {
    switch (outcome) {
      case 'succeeded':
        this.counts.succeeded += 1;
        return;
      case 'skipped':
        this.counts.skipped += 1;
        return;
      case 'retry':
        this.counts.retryLater += 1;
        return;
      case 'dead':
        this.counts.dead += 1;
        return;
    }
  }

  /** A correlation id for bulk work that journals many records at once. */
  newCorrelationId(): string {
    return randomUUID();
  }
}
