import { expect } from 'chai';
import { readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { join } from 'node:path';
import { message } from './harness/log-lines.js';
import { ADMIN_TOKEN, AGENT_CLI, runCli, startAgent, startConnectedAgent, startRelay, type AgentProcess, type RelayProcess } from './harness/processes.js';
import { createEnrollmentToken, createTenant } from './harness/suite-database.js';
import { makeTestPki, type TestPki } from './harness/test-certificates.js';

function adminOverTls(relay: RelayProcess, ca: Buffer, path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: relay.httpPort, path, method: 'POST', ca, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' } },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('TLS with a custom CA', () => {
  let pki: TestPki;
  let relay: RelayProcess;
  const agents: AgentProcess[] = [];

  before(async () => {
    pki = await makeTestPki();
    relay = await startRelay({ env: { RELAY_TLS_CERT_FILE: pki.certFile, RELAY_TLS_KEY_FILE: pki.keyFile } });
  });

  after(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await relay.stop();
  });

  async function enrollOverTls(transport: string): Promise<{ home: string; agentId: string }> {
    const tenant = await createTenant('tls');
    const home = join(pki.dir, `agent-${transport}`);
    const result = await runCli(AGENT_CLI, ['enroll', '--relay', `https://127.0.0.1:${relay.httpPort}`, '--token', await createEnrollmentToken(tenant.id), '--home', home, '--ca', pki.caFile, '--transport', transport]);
    expect(result.code, result.stderr).to.equal(0);
    const config = JSON.parse(await readFile(join(home, 'agent.json'), 'utf8')) as { agentId: string; relay: { grpcUrl: string; wsUrl: string } };
    expect(config.relay.grpcUrl).to.match(/^grpcs:/);
    expect(config.relay.wsUrl).to.match(/^wss:/);
    return { home, agentId: config.agentId };
  }

  for (const transport of ['grpc', 'websocket']) {
    it(`enrolls over HTTPS and tunnels over ${transport === 'grpc' ? 'gRPC' : 'WebSocket'} with TLS, trusting the given CA`, async () => {
      const { home, agentId } = await enrollOverTls(transport);
      agents.push(await startConnectedAgent(home));
      const ping = await adminOverTls(relay, await readFile(pki.caFile), `/v1/agents/${agentId}/commands`, { command: 'ping' });
      expect(ping.status).to.equal(200);
    });
  }

  it('refuses to talk to a relay whose certificate the configured CA did not sign', async () => {
    const { home } = await enrollOverTls('websocket');
    const configFile = join(home, 'agent.json');
    const config = JSON.parse(await readFile(configFile, 'utf8')) as { caFile: string };
    config.caFile = pki.otherCaFile;
    await writeFile(configFile, JSON.stringify(config));
    const agent = startAgent(home);
    agents.push(agent);
    const failure = await agent.logs.waitFor(message('could not connect to the relay'), 15_000, 'the TLS failure');
    expect(String(failure['reason'])).to.match(/certificate|self.signed|unable to verify/i);
  });
});
