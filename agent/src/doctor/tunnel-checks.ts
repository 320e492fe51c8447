import type { KeyObject } from 'node:crypto';
import { pino } from 'pino';
import { TunnelError, type Transport, type Welcome } from '@mlc/tunnel';
import { openGrpc, openWebSocket } from '../transport/connectors.js';
import { AgentSession } from '../tunnel/agent-session.js';
import { AGENT_VERSION } from '../version.js';
import { fail, ok, warn, type CheckResult } from './doctor-check.js';

const HANDSHAKE_TIMEOUT_MS = 8_000;
// Beyond this, timestamps in logs and journals disagree enough to mislead; far beyond, TLS and
// token lifetimes start to fail.
const SKEW_WARN_MS = 5_000;
const SKEW_FAIL_MS = 5 * 60_000;

export interface HandshakeOutcome {
  result: CheckResult;
  welcome?: Welcome;
  /** Local clock minus relay clock at the Welcome, in ms (half the handshake counted as transit). */
  skewMs?: number;
}

/** A real session: hello, key proof, welcome; then closed. Proves reachability and enrollment at once. */
export async function checkTunnel(transport: Transport, url: string, identity: { agentId: string; privateKey: KeyObject }, ca: Buffer | undefined): Promise<HandshakeOutcome> {
  const label = transport === 'TRANSPORT_GRPC' ? 'gRPC' : 'WebSocket';
  const name = `${label} tunnel ${url}`;
  const started = Date.now();
  try {
    const options = { ca, maxFrameBytes: 64 * 1024 * 1024, connectTimeoutMs: HANDSHAKE_TIMEOUT_MS };
    const opened = transport === 'TRANSPORT_GRPC' ? await openGrpc(url, options) : await openWebSocket(url, options);
    const session = new AgentSession(opened.channel, transport, { ...identity, version: AGENT_VERSION, profiles: [] }, pino({ level: 'silent' }));
    const timer = setTimeout(() => session.close('doctor: no welcome in time'), HANDSHAKE_TIMEOUT_MS);
    try {
      const welcome = await session.established;
      const roundTrip = Date.now() - started;
      const skewMs = Date.now() - roundTrip / 2 - Number(welcome.relay_time_ms);
      return { result: ok(name, `session accepted in ${roundTrip} ms${opened.proxy ? ` through ${opened.proxy}` : ''}`), welcome, skewMs };
    } finally {
      clearTimeout(timer);
      session.close('doctor done');
    }
  } catch (err) {
    return { result: tunnelFailure(name, label, err) };
  }
}

const REFUSAL_ADVICE: Partial<Record<string, string>> = {
  UNAUTHENTICATED: 'the relay does not recognise this agent\'s key: enroll it again with a new token (`mlc-agent enroll`)',
  AGENT_REVOKED: 'an administrator revoked this agent: ask for a new enrollment token and enroll again',
  UNSUPPORTED_PROTOCOL: 'this agent version is too old or too new for the relay: upgrade the agent',
};

function tunnelFailure(name: string, label: string, err: unknown): CheckResult {
  if (err instanceof TunnelError) return fail(name, err.message, REFUSAL_ADVICE[err.code] ?? 'the relay refused the session; see the relay log for this agent');
  const message = (err as Error).message;
  return fail(name, message, `${label} does not get through: ${label === 'gRPC' ? 'HTTP/2 is blocked or mangled on the way (a proxy that only speaks HTTP/1.1?)' : 'WebSocket upgrades are blocked on the way'}`);
}

export function checkClockSkew(skewMs: number | undefined): CheckResult {
  const name = 'clock skew against the relay';
  if (skewMs === undefined) return { name, status: 'skip', detail: 'no session to compare clocks with' };
  const detail = `${skewMs >= 0 ? 'ahead' : 'behind'} by ${Math.abs(Math.round(skewMs))} ms`;
  if (Math.abs(skewMs) >= SKEW_FAIL_MS) return fail(name, detail, 'this server\'s clock is far off: enable time synchronisation (NTP / w32time)');
  if (Math.abs(skewMs) >= SKEW_WARN_MS) return warn(name, detail, 'this server\'s clock drifts: enable time synchronisation (NTP / w32time)');
  return ok(name, detail);
}
