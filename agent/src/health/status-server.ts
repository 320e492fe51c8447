import { chmod, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { Logger } from 'pino';
import type { AgentStatus } from './agent-status.js';

/** Serves GET /status on the local endpoint; started by the daemon, stopped with it. */
export async function startStatusServer(endpoint: string, snapshot: () => Promise<AgentStatus>, log: Logger): Promise<Server> {
  // A socket file left by a killed agent would make listen() fail with EADDRINUSE.
  if (process.platform !== 'win32') await rm(endpoint, { force: true });
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url !== '/status') {
      response.writeHead(404).end();
      return;
    }
    snapshot().then(
      (status) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(status)),
      (err: unknown) => {
        log.error({ err }, 'status snapshot failed');
        response.writeHead(500).end();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(endpoint, () => resolve());
  });
  if (process.platform !== 'win32') await chmod(endpoint, 0o600);
  server.unref();
  return server;
}
