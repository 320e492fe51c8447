import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface SimSageX3Process {
  url: string;
  port: number;
  folder: string;
  /** `${url}/__admin` */
  adminUrl: string;
  /** Calls the admin API; throws on a non-2xx answer. */
  admin(method: string, path: string, body?: unknown): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

const MAIN = fileURLToPath(new URL('./sim-sage-x3.main.js', import.meta.url));

/** Starts `sim-sage-x3` as a child process on a free port (extra CLI flags allowed); for tests, benches and the demo. */
export function spawnSimSageX3(args: string[] = []): Promise<SimSageX3Process> {
  const child = spawn(process.execPath, [MAIN, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let buffered = '';
    const onExit = (code: number | null): void => reject(new Error(`sim-sage-x3 exited with code ${code} before it was ready`));
    child.once('exit', onExit);
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const line = buffered.split('\n').find((l) => l.includes('"listening"'));
      if (!line) return;
      child.off('exit', onExit);
      child.stdout.removeAllListeners('data');
      child.stdout.resume();
      const ready = JSON.parse(line) as { url: string; port: number; folder: string };
      const adminUrl = `${ready.url}/__admin`;
      resolve({
        ...ready,
        adminUrl,
        admin: async (method, path, body) => {
          const res = await fetch(`${adminUrl}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
          const json = (await res.json()) as Record<string, unknown>;
          if (!res.ok) throw new Error(`sim-sage-x3 admin ${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
          return json;
        },
        stop: () => new Promise((done) => {
          if (child.exitCode !== null) return done();
          child.once('exit', () => done());
          child.kill('SIGTERM');
        }),
      });
    });
  });
}
