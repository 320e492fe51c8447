import type { RecentError } from './recent-errors.js';

export interface ProfileHealth {
  name: string;
  kind: string;
  reachable: boolean;
  detail: string;
  checkedAt: string;
}

/** What `mlc-agent status` reports; also its --json output. */
export interface AgentStatus {
  agentId: string;
  version: string;
  pid: number;
  uptimeSeconds: number;
  relay: {
    state: 'connecting' | 'connected' | 'waiting' | 'stopped';
    url: string | undefined;
    transport: string | undefined;
    proxy: string | undefined;
    connectedSince: string | undefined;
    latencyMs: number | undefined;
  };
  commandsInFlight: number;
  recentErrors: RecentError[];
  profiles: ProfileHealth[];
}

/** Nagios plugin convention, which most monitoring systems read. */
export const EXIT_OK = 0;
export const EXIT_WARNING = 1;
export const EXIT_CRITICAL = 2;
export const EXIT_UNKNOWN = 3;

/** OK when connected with every ERP profile reachable; WARNING when one is not; CRITICAL when not connected. */
export function statusExitCode(status: AgentStatus): number {
  if (status.relay.state !== 'connected') return EXIT_CRITICAL;
  return status.profiles.every((p) => p.reachable) ? EXIT_OK : EXIT_WARNING;
}

export function formatStatus(status: AgentStatus): string {
  const relay = status.relay;
  const lines = [
    `agent ${status.agentId} ${status.version}, pid ${status.pid}, up ${formatDuration(status.uptimeSeconds)}`,
    relay.state === 'connected'
      ? `relay: connected to ${relay.url} over ${relay.transport}${relay.proxy ? ` via proxy ${relay.proxy}` : ''} since ${relay.connectedSince}, latency ${relay.latencyMs === undefined ? 'not measured yet' : `${relay.latencyMs.toFixed(1)} ms`}`
      : `relay: NOT CONNECTED (${relay.state})`,
    `commands in flight: ${status.commandsInFlight}`,
  ];
  if (status.profiles.length > 0) {
    lines.push('ERP profiles:');
    for (const p of status.profiles) lines.push(`  ${p.name} (${p.kind}): ${p.reachable ? 'reachable' : 'UNREACHABLE'} - ${p.detail} (checked ${p.checkedAt})`);
  }
  lines.push(status.recentErrors.length > 0 ? 'recent errors:' : 'recent errors: none');
  for (const e of status.recentErrors) lines.push(`  ${e.at}  ${e.message}`);
  return lines.join('\n');
}

function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return h > 0 ? `${h}h ${m}m` : m > 0 ? `${m}m ${seconds % 60}s` : `${seconds}s`;
}
