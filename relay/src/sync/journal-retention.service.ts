import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { RelayConfig } from '../config/relay-config.js';
import type { Logger } from '../common/logger.js';
import { RELAY_CONFIG, RELAY_LOGGER } from '../common/tokens.js';
import { SyncRecordsRepository } from './sync-records.repository.js';

const EVERY_MS = 60 * 60_000;
/** The first pass waits this long after boot, out of the way of a starting relay. */
const FIRST_AFTER_MS = 60_000;
/** Entries deleted per statement: short transactions, no long lock on the journal. */
const BATCH = 5_000;

/**
 * Keeps the journal from growing without end: every hour, entries older than
 * RELAY_JOURNAL_RETENTION_DAYS (90 by default) are deleted in batches, except each record's latest
 * entry. Links (and their dead letters) are never touched.
 */
@Injectable()
export class JournalRetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly log: Logger;

  constructor(
    private readonly records: SyncRecordsRepository,
    @Inject(RELAY_CONFIG) private readonly config: RelayConfig,
    @Inject(RELAY_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'journal-retention' });
  }

  onApplicationBootstrap(): void {
    this.schedule(FIRST_AFTER_MS);
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** One pass: deletes batch after batch until nothing is left to delete. Returns how many went. */
  async prune(): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await this.records.pruneJournal(this.config.journalRetentionDays, BATCH);
      total += deleted;
      if (deleted < BATCH || this.stopped) break;
    }
    if (total > 0) this.log.info({ deleted: total, retentionDays: this.config.journalRetentionDays }, 'old journal entries deleted');
    return total;
  }

  private schedule(afterMs: number): void {
    this.timer = setTimeout(() => {
      this.prune()
        .catch((err: unknown) => this.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'pruning the journal failed; trying again in an hour'))
        .finally(() => {
          if (!this.stopped) this.schedule(EVERY_MS);
        });
    }, afterMs);
    this.timer.unref();
  }
}
