import { Injectable } from '@nestjs/common';
import { TunnelError } from '@mlc/tunnel';
import { AgentChannel } from '../tunnel/agent-channel.service.js';
import { X3Commands, type X3CallOptions, type X3GraphqlResult } from '../sage-x3/x3-commands.service.js';
import type { FlowRun } from './flow-run.js';
import type { FlowKey } from './flow-keys.js';
import { RecordRejected } from './record-failure.js';

export interface X3SiteOptions {
  readonly tenantId: string;
  readonly site: string;
  readonly profile: string;
  readonly signal?: AbortSignal;
}

/** A Relay-style connection as the X3 GraphQL API answers it. */
export interface X3Connection<N> {
  edges: Array<{ node: N; cursor: string }>;
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
}

/**
 * One flow run's way into Sage X3: the tenant's agent site group and the agent's sage-x3 profile (the
 * agent keeps the 5-minute tokens fresh; none come here). The agent is chosen again before every
 * attempt, and every node read is counted for the run's record.
 */
export class X3Site {
  nodesRead = 0;

  constructor(
    private readonly commands: X3Commands,
    private readonly channel: AgentChannel,
    private readonly options: X3SiteOptions,
  ) {}

  private readonly agent = (): Promise<string> => this.channel.agentOfGroup(this.options.tenantId, this.options.site);

  private callOptions(retries: number, correlationId?: string): X3CallOptions {
    return { tenantId: this.options.tenantId, retries, minBackoffMs: 300, signal: this.options.signal, correlationId, deadlineMs: 60_000 };
  }

  /** A read, retried on X3's retryable failures (no pool, volume throttling, the tunnel down). */
  async query<T>(document: string, variables: Record<string, unknown>): Promise<T> {
    return (await this.commands.graphql<T>(this.agent, this.options.profile, document, variables, this.callOptions(3))).data;
  }

  /** Every page of a connection, `first` nodes at a time, following pageInfo.endCursor. */
  async *pages<T, N>(document: string, variables: Record<string, unknown>, connectionOf: (data: T) => X3Connection<N>, first: number): AsyncGenerator<N[]> {
    let after: string | null = null;
    for (;;) {
      const connection = connectionOf(await this.query<T>(document, { ...variables, first, after }));
      const nodes = connection.edges.map((edge) => edge.node);
      this.nodesRead += nodes.length;
      yield nodes;
      if (!connection.pageInfo.hasNextPage || !connection.pageInfo.endCursor) return;
      after = connection.pageInfo.endCursor;
    }
  }

  /**
   * A mutation. `idempotent` ones (updates) are retried on retryable failures; creates are not, since
   * a retry needs the caller's lookup first. X3's refusal is the record's fault (RecordRejected); a
   * change X3 saved but answered with error messages reads as "outcome unknown": the caller's lookup
   * before its next try finds what was saved instead of writing it twice.
   */
  async mutate<T>(document: string, variables: Record<string, unknown>, correlationId: string, idempotent: boolean): Promise<X3GraphqlResult<T>> {
    try {
      return await this.commands.graphql<T>(this.agent, this.options.profile, document, variables, this.callOptions(idempotent ? 3 : 0, correlationId));
    } catch (err) {
      if (!(err instanceof TunnelError) || err.code !== 'BUSINESS_ERROR') throw err;
      if (err.detail['applied'] === 'true') throw new TunnelError('BUSINESS_ERROR', err.message, { detail: { ...err.detail, outcome: 'unknown' } });
      throw new RecordRejected(`X3 refused it: ${err.detail['x3_message'] ?? err.message}`, { x3: err.detail });
    }
  }
}

/** Makes each run's X3Site from its config; the nodes it read count as the run's ERP rows. */
@Injectable()
export class X3Sites {
  constructor(
    private readonly commands: X3Commands,
    private readonly channel: AgentChannel,
  ) {}

  async use<K extends FlowKey, T>(run: FlowRun<K>, work: (x3: X3Site) => Promise<T>): Promise<T> {
    const config = run.config as { site: string; x3Profile: string };
    const site = new X3Site(this.commands, this.channel, { tenantId: run.tenantId, site: config.site, profile: config.x3Profile, signal: run.signal });
    try {
      return await work(site);
    } finally {
      // The run's record has one count of rows read from the ERP, SAP's or X3's.
      run.sap.rowsRead += site.nodesRead;
    }
  }
}
