import { expect } from 'chai';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { spawnSimSapEcc, type SimProcess } from '@mlc/sim-sap-ecc';
import { message } from './harness/log-lines.js';
import { freePort } from './harness/ports.js';
import { addSapProfile } from './harness/sap-profile.js';
import { enrollAgent, startConnectedAgent, startRelay, type AgentProcess, type RelayProcess } from './harness/processes.js';
import { createEnrollmentToken, createTenant } from './harness/suite-database.js';

/** One sample's value from a Prometheus text exposition, or undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-z_:]+)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => present[key] === value)) return Number(match[3]);
  }
  return undefined;
}

describe('GET /metrics on the agent (metricsListen)', () => {
  let relay: RelayProcess;
  let agent: AgentProcess;
  let sim: SimProcess;
  let agentId: string;
  let port: number;
  let profile: string;

  const scrape = async (): Promise<string> => {
    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.contain('text/plain');
    return response.text();
  };

  before(async () => {
    sim = await spawnSimSapEcc(['--customers', '50']);
    relay = await startRelay();
    const tenant = await createTenant('agent-metrics');
    let home: string;
    ({ home, agentId } = await enrollAgent(relay, await createEnrollmentToken(tenant.id), { transport: 'grpc' }));
    profile = await addSapProfile(home, sim, { maxConnections: 3 });
    port = await freePort();
    const file = join(home, 'agent.json');
    const config = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    await writeFile(file, JSON.stringify({ ...config, metricsListen: String(port) }, null, 2));
    agent = await startConnectedAgent(home);
  });

  after(async () => {
    await agent?.stop();
    await relay?.stop();
    await sim?.stop();
  });

  it('binds loopback only when given a bare port', () => {
    expect(agent.logs.find(message('metrics served at /metrics'))).to.include({ host: '127.0.0.1', port });
  });

  it('reports the tunnel, commands by kind and outcome, durations, in flight and the RFC pool', async () => {
    expect((await relay.admin('POST', `/v1/agents/${agentId}/commands`, { command: 'ping' })).status).to.equal(200);
    const call = await relay.admin('POST', `/v1/agents/${agentId}/sap/call`, { profile, function_module: 'BAPI_CUSTOMER_GETDETAIL2', params: { CUSTOMERNO: '0000100001', COMPANYCODE: '1000' } });
    expect(call.status, JSON.stringify(call.body)).to.equal(200);
    const denied = await relay.admin('POST', `/v1/agents/${agentId}/sap/call`, { profile, function_module: 'SUSR_USER_CHANGE', params: {} });
    expect(denied.status).to.equal(403);

    const text = await scrape();
    expect(sample(text, 'mlc_agent_tunnel_state', { state: 'connected', transport: 'grpc' })).to.equal(1);
    expect(sample(text, 'mlc_agent_tunnel_state', { state: 'waiting' })).to.equal(0);
    expect(sample(text, 'mlc_agent_commands_total', { kind: 'ping', outcome: 'ok' })).to.equal(1);
    expect(sample(text, 'mlc_agent_commands_total', { kind: 'rfc_call', outcome: 'ok' })).to.equal(1);
    expect(sample(text, 'mlc_agent_commands_total', { kind: 'rfc_call', outcome: 'POLICY_DENIED' })).to.equal(1);
    expect(sample(text, 'mlc_agent_command_seconds_count', { kind: 'rfc_call' })).to.equal(2);
    expect(sample(text, 'mlc_agent_commands_in_flight')).to.equal(0);
    expect(sample(text, 'mlc_agent_rfc_pool_connections', { profile, state: 'max' })).to.equal(3);
    expect(sample(text, 'mlc_agent_rfc_pool_connections', { profile, state: 'leased' })).to.equal(0);
    expect(sample(text, 'mlc_agent_tunnel_rtt_seconds')).to.be.a('number');
    expect(sample(text, 'mlc_agent_process_resident_memory_bytes')).to.be.above(0);
  });

  it('counts a reconnect when the relay restarts', async () => {
    const before = sample(await scrape(), 'mlc_agent_tunnel_reconnects_total', { reason: 'session_ended' }) ?? 0;
    const { httpPort, grpcPort } = relay;
    const seen = agent.logs.lines.length;
    await relay.stop();
    relay = await startRelay({ httpPort, grpcPort });
    await agent.logs.waitFor((line) => agent.logs.lines.indexOf(line) >= seen && message('connected to the relay')(line), 30_000, 'agent reconnected');
    const text = await scrape();
    expect(sample(text, 'mlc_agent_tunnel_reconnects_total', { reason: 'session_ended' })).to.be.above(before);
    expect(sample(text, 'mlc_agent_tunnel_state', { state: 'connected', transport: 'grpc' })).to.equal(1);
  });
});
