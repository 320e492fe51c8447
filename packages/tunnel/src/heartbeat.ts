import type { Heartbeat } from './frames.js';

export interface HeartbeatOptions {
  intervalMs: number;
  timeoutMs: number;
  send: (heartbeat: Heartbeat) => void;
  inFlight: () => number;
  /** The peer has been silent for timeoutMs. Called once. */
  onDead: (silentForMs: number) => void;
  now?: () => number;
}

/**
 * Sends a heartbeat every interval and declares the peer dead when nothing at all (any frame
 * counts) has arrived for timeoutMs. Used the same way on both sides of the tunnel.
 */
export class HeartbeatMonitor {
  private timer: NodeJS.Timeout | undefined;
  private lastHeardAt: number;
  private lastPeerSentAt = '0';
  private lastPeerHeardAt = 0;
  private dead = false;
  /** Round trip measured from the last heartbeat echo, in ms. */
  rttMs: number | undefined;
  private readonly now: () => number;

  constructor(private readonly options: HeartbeatOptions) {
    this.now = options.now ?? Date.now;
    this.lastHeardAt = this.now();
  }

  start(): void {
    this.lastHeardAt = this.now();
    this.timer = setInterval(() => this.tick(), this.options.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Any frame from the peer proves it is alive. */
  heard(): void {
    this.lastHeardAt = this.now();
  }

  received(heartbeat: Heartbeat): void {
    this.heard();
    this.lastPeerSentAt = heartbeat.sent_at_ms;
    this.lastPeerHeardAt = this.now();
    // Our heartbeat waited at the peer until its next tick; that wait is not network time.
    const echoed = Number(heartbeat.echo_sent_at_ms);
    if (echoed > 0) this.rttMs = Math.max(0, this.now() - echoed - heartbeat.echo_held_ms);
  }

  get lastHeard(): number {
    return this.lastHeardAt;
  }

  private tick(): void {
    const silentFor = this.now() - this.lastHeardAt;
    if (silentFor >= this.options.timeoutMs) {
      if (this.dead) return;
      this.dead = true;
      this.stop();
      this.options.onDead(silentFor);
      return;
    }
    this.options.send({
      sent_at_ms: String(this.now()),
      echo_sent_at_ms: this.lastPeerSentAt,
      echo_held_ms: this.lastPeerHeardAt > 0 ? this.now() - this.lastPeerHeardAt : 0,
      in_flight: this.options.inFlight(),
    });
  }
}
