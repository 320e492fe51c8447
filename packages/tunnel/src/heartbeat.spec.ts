import { expect } from 'chai';
import type { Heartbeat } from './frames.js';
import { HeartbeatMonitor } from './heartbeat.js';

describe('HeartbeatMonitor', () => {
  it('measures the round trip without the time the peer held our heartbeat', () => {
    let now = 10_000;
    const sent: Heartbeat[] = [];
    const monitor = new HeartbeatMonitor({ intervalMs: 1_000, timeoutMs: 3_000, send: (hb) => sent.push(hb), inFlight: () => 0, onDead: () => undefined, now: () => now });
    // The peer echoes our heartbeat sent at 9,000, which it received at 9,002 and held 700 ms.
    now = 9_704;
    monitor.received({ sent_at_ms: '9702', echo_sent_at_ms: '9000', echo_held_ms: 700, in_flight: 0 });
    expect(monitor.rttMs).to.equal(4);
  });

  it('declares the peer dead once after the timeout of silence', async () => {
    let dead = 0;
    const monitor = new HeartbeatMonitor({ intervalMs: 10, timeoutMs: 30, send: () => undefined, inFlight: () => 0, onDead: () => (dead += 1) });
    monitor.start();
    await new Promise((resolve) => setTimeout(resolve, 120));
    monitor.stop();
    expect(dead).to.equal(1);
  });
});
