import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from '../common/logger.js';
import { RELAY_LOGGER } from '../common/tokens.js';
import { SapCommands } from '../sap/sap-commands.service.js';
import { AgentChannel } from '../tunnel/agent-channel.service.js';
import { ReplicaRouter } from '../tunnel/replica-router.service.js';
import { ZohoClientsService } from '../zoho/zoho-clients.service.js';
import { parseFlowConfig } from './flow-config.js';
import { FlowRun } from './flow-run.js';
import type { FlowKey } from './flow-keys.js';
import { FlowRunners } from './flow-runners.js';
import { SapSite } from './sap-site.js';
import { SyncFlowsRepository, type FlowRow, type RunStatus } from './sync-flows.repository.js';
import { SyncRecordsRepository } from './sync-records.repository.js';

/** How long a claimed flow stays ours without a renewal; renewed every third of it while running. */
const LEASE_MS = 15_000;
const TICK_MS = 1_000;
const MAX_CONCURRENT_RUNS = 4;

/**
 * Fires each due flow once across all relay replicas: a due row is claimed with FOR UPDATE SKIP
 * LOCKED and leased to one replica while it runs (the lease is renewed; a replica that dies lets it
 * lapse and another takes over). Chosen over pg-boss: our schedules are per-tenant intervals edited
 * in the console, a "run now" or a Zoho webhook only has to move one timestamp, and the lease is the
 * same row the flow's watermarks live in, so a run can never save state after losing its flow.
 */
@Injectable()
export class SyncSchedulerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log: Logger;
  private timer: NodeJS.Timeout | undefined;
  private readonly running = new Map<string, { abort: AbortController; done: Promise<void> }>();
  private ticking: Promise<void> | undefined;
  private tickAgain = false;
  private stopped = false;

  constructor(
    private readonly flows: SyncFlowsRepository,
    private readonly records: SyncRecordsRepository,
    private readonly runners: FlowRunners,
    private readonly sapCommands: SapCommands,
    private readonly channel: AgentChannel,
    private readonly zohoClients: ZohoClientsService,
    private readonly router: ReplicaRouter,
    @Inject(RELAY_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'sync-scheduler' });
  }

  private get replica(): string {
    return this.router.replicaId;
  }

  onApplicationBootstrap(): void {
    void this.flows.abandonStaleRuns().catch((err: unknown) => this.log.warn({ err: String(err) }, 'closing stale runs failed'));
    this.timer = setInterval(() => this.kick(), TICK_MS);
    this.timer.unref();
    this.kick();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    for (const run of this.running.values()) run.abort.abort();
    await Promise.allSettled([...this.running.values()].map((run) => run.done));
    await this.ticking?.catch(() => undefined);
  }

  /** Looks for due flows now (after "run now" or a Zoho change) instead of at the next tick. */
  kick(): void {
    if (this.stopped) return;
    if (this.ticking) {
      this.tickAgain = true;
      return;
    }
    this.ticking = this.tick()
      .catch((err: unknown) => this.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'sync scheduler tick failed'))
      .finally(() => {
        this.ticking = undefined;
        if (this.tickAgain) {
          this.tickAgain = false;
          this.kick();
        }
      });
  }

  private async tick(): Promise<void> {
    const free = MAX_CONCURRENT_RUNS - this.running.size;
    if (free <= 0) return;
    for (const flow of await this.flows.claimDue(this.replica, LEASE_MS, free)) this.start(flow);
  }

  private start(flow: FlowRow): void {
    const key = `${flow.tenantId}/${flow.flowKey}`;
    const abort = new AbortController();
    const done = this.execute(flow, abort).catch((err: unknown) => {
      // Only the bookkeeping around a run can land here (the database gone): the lease lapses and
      // the flow is taken again.
      this.log.error({ tenantId: flow.tenantId, flow: flow.flowKey, err: err instanceof Error ? err.message : String(err) }, 'a flow run could not be recorded');
    }).finally(() => {
      this.running.delete(key);
      // Whatever became due while this ran (a webhook, run now) starts at once.
      this.kick();
    });
    this.running.set(key, { abort, done });
  }

  private async execute(flow: FlowRow, abort: AbortController): Promise<void> {
    const trigger = flow.pendingTrigger ?? 'schedule';
    const runId = await this.flows.startRun(flow.tenantId, flow.flowKey, trigger, this.replica);
    const log = this.log.child({ tenantId: flow.tenantId, flow: flow.flowKey, runId });
    const renew = setInterval(() => {
      void this.flows.renewLease(flow.tenantId, flow.flowKey, this.replica, LEASE_MS).then(
        (held) => { if (!held) abort.abort(new Error('the flow lease was lost')); },
        (err: unknown) => log.warn({ err: String(err) }, 'renewing the flow lease failed'),
      );
    }, LEASE_MS / 3);
    let status: RunStatus = 'failed';
    let error: string | null = null;
    let run: FlowRun<FlowKey> | undefined;
    try {
      run = this.newRun(flow, runId, trigger, abort.signal, log);
      await this.runners.forKey(flow.flowKey).run(run);
      status = run.counts.dead > 0 || run.counts.retryLater > 0 ? 'partial' : 'succeeded';
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
      log.warn({ err: error }, 'flow run failed; the next run starts over from the last watermark');
    } finally {
      clearInterval(renew);
      const counts = run?.counts ?? { recordsSeen: 0, succeeded: 0, skipped: 0, retryLater: 0, dead: 0, sapRowsRead: 0 };
      if (run) counts.sapRowsRead = run.sap.rowsRead;
      await this.flows.finishRun(runId, status, counts, error).catch((err: unknown) => log.warn({ err: String(err) }, 'recording the run failed'));
      await this.flows.releaseLease(flow.tenantId, flow.flowKey, this.replica).catch(() => undefined);
    }
    log.info({ status, ...run?.counts }, 'flow run finished');
  }

  private newRun(flow: FlowRow, runId: string, trigger: FlowRun<FlowKey>['trigger'], signal: AbortSignal, log: Logger): FlowRun<FlowKey> {
    const config = parseFlowConfig(flow.flowKey, flow.config) as { site: string; sapProfile: string };
    return new FlowRun({
      id: runId,
      tenantId: flow.tenantId,
      flowKey: flow.flowKey,
      trigger,
      config: config as never,
      state: { ...flow.state },
      sap: new SapSite(this.sapCommands, this.channel, { tenantId: flow.tenantId, site: config.site, profile: config.sapProfile, signal }),
      zoho: () => this.zohoClients.forTenant(flow.tenantId),
      records: this.records,
      saveState: async (state) => {
        if (!(await this.flows.saveState(flow.tenantId, flow.flowKey, this.replica, state))) throw new Error('the flow lease was lost; another replica runs this flow now');
      },
      signal,
      log,
    });
  }
}
