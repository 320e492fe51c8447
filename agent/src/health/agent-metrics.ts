import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RfcPoolStatus } from '@mlc/sap';
import type { TunnelStatus } from '../tunnel/tunnel-client.js';

/** What the metrics read from the running agent at scrape time. */
export interface AgentMetricSources {
  tunnel: () => TunnelStatus;
  inFlight: () => number;
  rttMs: () => number | undefined;
  rfcPools: () => Array<{ profile: string; status: RfcPoolStatus }>;
}

/** Counts the tunnel and command code paths feed; the rest is read at scrape time. */
export interface AgentMetricEvents {
  /** A session ended (or a connect attempt failed) and the agent is about to try again. */
  reconnecting(reason: 'session_ended' | 'connect_failed'): void;
  /** A command began; call the answer with its outcome (`ok` or the error code) when it settles. */
  commandStarted(kind: string): (outcome: string) => void;
}

const TUNNEL_STATES: ReadonlyArray<TunnelStatus['state']> = ['connecting', 'connected', 'waiting', 'stopped'];

/**
 * The agent's Prometheus metrics (prom-client), in a registry of its own. Counters are fed as things
 * happen; gauges read the running agent at scrape time, once `observe` has named what to read.
 */
export class AgentMetrics implements AgentMetricEvents {
  readonly registry = new Registry();
  private readonly reconnects: Counter<'reason'>;
  private readonly commands: Counter<'kind' | 'outcome'>;
  private readonly commandSeconds: Histogram<'kind'>;
  private sources: AgentMetricSources | undefined;

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'mlc_agent_' });
    const registers = [this.registry];
    const read = (): AgentMetricSources | undefined => this.sources;
    new Gauge({
      name: 'mlc_agent_tunnel_state',
      help: 'The tunnel state: 1 for the current one (connecting, connected, waiting, stopped), 0 for the others',
      labelNames: ['state', 'transport'],
      registers,
      collect(): void {
        this.reset();
        const sources = read();
        if (!sources) return;
        const status = sources.tunnel();
        const transport = status.state === 'connected' ? transportLabel(status.transport) : '';
        for (const state of TUNNEL_STATES) this.set({ state, transport: state === status.state ? transport : '' }, state === status.state ? 1 : 0);
      },
    });
    new Gauge({
      name: 'mlc_agent_tunnel_rtt_seconds',
      help: 'Round trip to the relay measured by heartbeats (absent while disconnected)',
      registers,
      collect(): void {
        this.reset();
        const rtt = read()?.rttMs();
        if (rtt !== undefined) this.set(rtt / 1000);
      },
    });
    new Gauge({
      name: 'mlc_agent_commands_in_flight',
      help: 'Commands from the relay running now',
      registers,
      collect(): void {
        this.set(read()?.inFlight() ?? 0);
      },
    });
    new Gauge({
      name: 'mlc_agent_rfc_pool_connections',
      help: 'RFC connections per SAP profile: leased now, acquires queued for a slot, and the cap',
      labelNames: ['profile', 'state'],
      registers,
      collect(): void {
        this.reset();
        for (const { profile, status } of read()?.rfcPools() ?? []) {
          this.set({ profile, state: 'leased' }, status.leased);
          this.set({ profile, state: 'queued' }, status.queued);
          this.set({ profile, state: 'max' }, status.maxConnections);
        }
      },
    });
    this.reconnects = new Counter({ name: 'mlc_agent_tunnel_reconnects_total', help: 'Times the agent went back to connecting, by why', labelNames: ['reason'], registers });
    this.commands = new Counter({ name: 'mlc_agent_commands_total', help: 'Commands run, by kind and outcome (ok or the error code)', labelNames: ['kind', 'outcome'], registers });
    this.commandSeconds = new Histogram({
      name: 'mlc_agent_command_seconds',
      help: 'Time from receiving a command to sending its result',
      labelNames: ['kind'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120],
      registers,
    });
  }

  observe(sources: AgentMetricSources): void {
    this.sources = sources;
  }

  reconnecting(reason: 'session_ended' | 'connect_failed'): void {
    this.reconnects.inc({ reason });
  }

  commandStarted(kind: string): (outcome: string) => void {
    const stop = this.commandSeconds.startTimer({ kind });
    return (outcome) => {
      stop();
      this.commands.inc({ kind, outcome });
    };
  }
}

function transportLabel(transport: TunnelStatus['transport']): string {
  switch (transport) {
    case 'TRANSPORT_GRPC':
      return 'grpc';
    case 'TRANSPORT_WEBSOCKET':
      return 'websocket';
    case 'TRANSPORT_UNSPECIFIED':
    case undefined:
      return '';
  }
}
