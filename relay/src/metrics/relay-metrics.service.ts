import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { SessionRegistry } from '../tunnel/session-registry.js';
import { transportName } from '../tunnel/transport-name.js';

/** Prometheus metrics of this replica (prom-client): tunnel sessions, handshakes, commands. */
@Injectable()
export class RelayMetrics {
  readonly registry = new Registry();
  readonly handshakes: Counter<'outcome'>;
  readonly commands: Counter<'kind' | 'outcome'>;
  readonly commandSeconds: Histogram<'kind'>;

  constructor(sessions: SessionRegistry) {
    collectDefaultMetrics({ register: this.registry, prefix: 'mlc_relay_' });
    new Gauge({
      name: 'mlc_tunnel_sessions',
      help: 'Agent sessions held by this replica, by transport',
      labelNames: ['transport'],
      registers: [this.registry],
      collect(): void {
        this.reset();
        for (const session of sessions.all()) this.inc({ transport: transportName(session.transport) });
      },
    });
    new Gauge({
      name: 'mlc_tunnel_commands_in_flight',
      help: 'Commands sent to agents on this replica and not answered yet',
      registers: [this.registry],
      collect(): void {
        this.set(sessions.all().reduce((sum, s) => sum + s.inFlight, 0));
      },
    });
    this.handshakes = new Counter({ name: 'mlc_tunnel_handshakes_total', help: 'Tunnel handshakes by outcome (accepted or the refusal code)', labelNames: ['outcome'], registers: [this.registry] });
    this.commands = new Counter({ name: 'mlc_tunnel_commands_total', help: 'Commands run through AgentChannel, by kind and outcome (ok or error code)', labelNames: ['kind', 'outcome'], registers: [this.registry] });
    this.commandSeconds = new Histogram({
      name: 'mlc_tunnel_command_seconds',
      help: 'Time from sending a command to its result',
      labelNames: ['kind'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [this.registry],
    });
  }
}
