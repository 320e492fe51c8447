import { createHash } from 'node:crypto';
import { join } from 'node:path';

/**
 * Where the running agent answers `mlc-agent status`: a Unix socket in the agent home (mode 0600,
 * so only the agent's user and root can ask), or on Windows a named pipe derived from the home.
 * Local only by construction: nothing listens on a TCP port.
 */
export function statusEndpoint(home: string): string {
  if (process.platform === 'win32') return `\\\\.\\pipe\\mlc-agent-${createHash('sha256').update(home).digest('hex').slice(0, 16)}`;
  return join(home, 'agent.sock');
}
