import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, QueryRunner } from 'typeorm';
import type { Logger } from '../common/logger.js';
import { RELAY_CONFIG, RELAY_LOGGER } from '../common/tokens.js';
import type { RelayConfig } from '../config/relay-config.js';
import { ZohoConnectionEntity } from './entities/zoho-connection.entity.js';
import { ZohoChannelsService } from './zoho-channels.service.js';
import { ZohoEventsService } from './zoho-events.service.js';

/** pg_try_advisory_lock(class, 0): the replica holding it runs the Zoho housekeeping. */
const SCHEDULER_LOCK_CLASS = 7_740_102;

/**
 * One loop per replica; only the replica holding a session-level advisory lock does the work
 * (channel renewal and checks, catch-ups, pending events). The lock dies with its connection, so
 * another replica takes over by itself. Chosen over pg-boss: the work is a handful of idempotent
 * sweeps, and a lock on the PostgreSQL we already have adds no tables, no dependency and no workers.
 * Whoever takes the lock runs a catch-up for every channel first: the relay may have been down.
 */
@Injectable()
export class ZohoSchedulerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log: Logger;
  private timer: NodeJS.Timeout | undefined;
  private session: QueryRunner | undefined;
  private leader = false;
  private running: Promise<void> | undefined;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(RELAY_CONFIG) private readonly config: RelayConfig,
    private readonly channels: ZohoChannelsService,
    private readonly events: ZohoEventsService,
    @Inject(RELAY_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'zoho-scheduler' });
  }

  onApplicationBootstrap(): void {
    if (!this.config.zoho) return;
    this.timer = setInterval(() => void this.tick(), this.config.zoho.schedulerIntervalMs);
    this.timer.unref();
    setImmediate(() => void this.tick());
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
    if (this.session) {
      await this.session.query('SELECT pg_advisory_unlock($1, 0)', [SCHEDULER_LOCK_CLASS]).catch(() => undefined);
      await this.session.release().catch(() => undefined);
      this.session = undefined;
    }
  }

  /** A sweep that starts after this call (never two at once). Returns whether this replica did the work. */
  async tick(): Promise<boolean> {
    while (this.running) await this.running;
    this.running = this.sweep().finally(() => (this.running = undefined));
    await this.running;
    return this.leader;
  }

  private async sweep(): Promise<void> {
    try {
      const becameLeader = await this.takeLead();
      if (!this.leader) return;
      const connected = await this.db.getRepository(ZohoConnectionEntity).findBy({ status: 'connected' });
      for (const { tenantId } of connected) {
        try {
          await this.events.drain(tenantId);
          await this.channels.maintain(tenantId, { catchUp: becameLeader });
        } catch (err) {
          this.log.warn({ tenantId, err: err instanceof Error ? err.message : String(err) }, 'Zoho housekeeping failed for a tenant; next tick retries');
        }
      }
    } catch (err) {
      this.log.error({ err }, 'Zoho scheduler tick failed');
    }
  }

  /** True when this tick made the replica the leader (so it must assume a gap). */
  private async takeLead(): Promise<boolean> {
    if (this.leader && this.session && !this.session.isReleased) return false;
    this.session ??= this.db.createQueryRunner();
    const rows: Array<{ locked: boolean }> = await this.session.query('SELECT pg_try_advisory_lock($1, 0) AS locked', [SCHEDULER_LOCK_CLASS]);
    this.leader = rows[0]?.locked === true;
    if (this.leader) this.log.info('this replica now runs the Zoho scheduler');
    return this.leader;
  }
}
