import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';

export interface HttpProxy {
  url: string;
  stop(): Promise<void>;
}

const TINYPROXY = '/usr/bin/tinyproxy';

/** Installs Debian's tinyproxy when missing (CI runs as root); false when that is impossible. */
export function ensureTinyproxy(): boolean {
  if (existsSync(TINYPROXY)) return true;
  if (process.getuid?.() !== 0) return false;
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'ignore' });
  execFileSync('apt-get', ['install', '-y', '-qq', 'tinyproxy'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return existsSync(TINYPROXY);
}

/**
 * A real HTTP/1.1 proxy that, like many corporate proxies, CONNECTs only to the ports it allows:
 * here the relay's HTTPS/WebSocket port, not its gRPC port.
 */
export async function startTinyproxy(connectPorts: number[]): Promise<HttpProxy> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'mlc-tinyproxy-'));
  const config = join(dir, 'tinyproxy.conf');
  await writeFile(
    config,
    [
      `Port ${port}`,
      'Listen 127.0.0.1',
      'Timeout 600',
      'Allow 127.0.0.1',
      'LogLevel Connect',
      'MaxClients 100',
      'DisableViaHeader Yes',
      ...connectPorts.map((p) => `ConnectPort ${p}`),
    ].join('\n'),
  );
  const child: ChildProcess = spawn(TINYPROXY, ['-d', '-c', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  await waitForPort(port, child);
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  const { connect } = await import('node:net');
  for (let i = 0; i < 100; i += 1) {
    if (child.exitCode !== null) throw new Error(`tinyproxy exited with ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('tinyproxy did not start listening');
}
