import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RfcConnectionParameters } from './client/rfc-types.js';

export interface SimProcess {
  pid: number;
  rfcPort: number;
  adminPort: number;
  adminUrl: string;
  /** Commits read back from `--data-dir` at start. */
  recoveredCommits: number;
  /** node-rfc connection parameters for the simulator's RFC user. */
  connectionParameters: RfcConnectionParameters;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
  /** Sends a signal (SIGKILL: a crash with no chance to clean up) and waits for the exit. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

const MAIN = fileURLToPath(new URL('./sim-sap-ecc.main.js', import.meta.url));

/**
 * Starts `sim-sap-ecc` as a child process on free ports (extra CLI flags allowed, `--port P` to
 * come back on a known port) and resolves when it is ready; for tests and the demo.
 */
export function spawnSimSapEcc(args: string[] = [], user = 'MLC_RFC', passwd = 'Welcome1'): Promise<SimProcess> {
  const child: ChildProcess = spawn(process.execPath, [MAIN, '--port', '0', '--admin-port', '0', '--user', user, '--passwd', passwd, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let buffered = '';
    const onExit = (code: number | null): void => reject(new Error(`sim-sap-ecc exited with code ${code} before it was ready`));
    child.once('exit', onExit);
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const line = buffered.split('\n').find((l) => l.includes('"ready"'));
      if (!line) return;
      child.off('exit', onExit);
      const ready = JSON.parse(line) as { rfcPort: number; adminPort: number; recoveredCommits: number };
      const kill = (signal: NodeJS.Signals): Promise<void> => new Promise((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('exit', () => done());
        child.kill(signal);
      });
      resolve({
        pid: child.pid ?? 0,
        rfcPort: ready.rfcPort,
        adminPort: ready.adminPort,
        adminUrl: `http://127.0.0.1:${ready.adminPort}`,
        recoveredCommits: ready.recoveredCommits,
        connectionParameters: { ashost: '127.0.0.1', sysnr: '00', gwserv: String(ready.rfcPort), client: '100', user, passwd, lang: 'EN' },
        stop: () => kill('SIGTERM'),
        kill,
      });
    });
  });
}
