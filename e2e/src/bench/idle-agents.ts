// A process holding many idle agent connections, for the tunnel benchmark's memory measurement.
// argv[2]: JSON file [{agentId, privateKeyPem, grpcUrl, wsUrl, tenantId}], argv[3]: transport.
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { TunnelClient } from '@mlc/agent';
import { loadPrivateKey } from '@mlc/tunnel';

interface IdleAgent {
  agentId: string;
  tenantId: string;
  privateKeyPem: string;
  grpcUrl: string;
  wsUrl: string;
}

const agents = JSON.parse(readFileSync(process.argv[2], 'utf8')) as IdleAgent[];
const transport = (process.argv[3] ?? 'grpc') as 'grpc' | 'websocket';
const log = pino({ level: 'silent' });
const clients = agents.map(
  (a) =>
    new TunnelClient({
      config: { relay: { httpUrl: 'http://127.0.0.1', grpcUrl: a.grpcUrl, wsUrl: a.wsUrl } },
      identity: { agentId: a.agentId, privateKey: loadPrivateKey(a.privateKeyPem), version: 'bench', profiles: [] },
      transport,
      log,
    }),
);
for (const client of clients) void client.run();
const timer = setInterval(() => {
  const connected = clients.filter((c) => c.status.state === 'connected').length;
  process.stdout.write(`connected ${connected}\n`);
}, 250);
process.once('SIGTERM', () => {
  clearInterval(timer);
  void Promise.all(clients.map((c) => c.stop('bench over', 100))).then(() => process.exit(0));
});
