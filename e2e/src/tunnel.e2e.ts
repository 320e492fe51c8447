import { expect } from 'chai';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { message } from './harness/log-lines.js';
import { ADMIN_TOKEN, AGENT_CLI, enrollAgent, runCli, startConnectedAgent, startRelay, type AgentProcess, type RelayProcess } from './harness/processes.js';
import { createEnrollmentToken, createTenant } from './harness/suite-database.js';

describe('agent enrollment and the tunnel', () => {
  let relay: RelayProcess;
  let tenant: { id: string; name: string };
  const agents: AgentProcess[] = [];

  before(async () => {
    relay = await startRelay();
    tenant = await createTenant('tunnel');
  });

  after(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await relay.stop();
  });

  it('enrolls an agent with a key only its owner can read and answers over gRPC', async () => {
    const { home, agentId } = await enrollAgent(relay, await createEnrollmentToken(tenant.id), { transport: 'grpc' });
    expect((await stat(join(home, 'agent.key'))).mode & 0o777).to.equal(0o600);
    agents.push(await startConnectedAgent(home));

    const ping = await relay.admin('POST', `/v1/agents/${agentId}/commands`, { command: 'ping' });
    expect(ping.status, JSON.stringify(ping.body)).to.equal(200);
    expect((ping.body['result'] as { agent_time_ms: number }).agent_time_ms).to.be.closeTo(Date.now(), 60_000);

    const list = await relay.admin('GET', `/v1/agents?tenant=${tenant.name}`);
    const row = (list.body as unknown as Array<Record<string, unknown>>).find((a) => a['id'] === agentId);
    expect(row).to.include({ online: true, transport: 'grpc', version: '0.1.0' });
  });

  it('answers over the WebSocket transport, including a streamed result', async () => {
    const { home, agentId } = await enrollAgent(relay, await createEnrollmentToken(tenant.id), { transport: 'websocket' });
    const agent = await startConnectedAgent(home);
    agents.push(agent);
    expect(agent.logs.find(message('connected to the relay'))?.['url']).to.match(/^ws:/);

    const echo = await relay.admin('POST', `/v1/agents/${agentId}/commands`, { command: 'echo', size: 100_000 });
    expect(echo.body['result']).to.deep.equal({ bytes: 100_000 });
    const stream = await relay.admin('POST', `/v1/agents/${agentId}/commands`, { command: 'echo_stream', chunks: 300, chunk_size: 65_536 });
    expect(stream.status, JSON.stringify(stream.body)).to.equal(200);
    expect(stream.body['result']).to.deep.equal({ chunks: 300, bytes: 300 * 65_536 });
  });

  it('exposes Prometheus metrics of sessions, handshakes and commands', async () => {
    const anonymous = await fetch(`${relay.httpUrl}/metrics`);
    expect(anonymous.status).to.equal(401);
    const response = await fetch(`${relay.httpUrl}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const text = await response.text();
    expect(text).to.match(/mlc_tunnel_sessions\{transport="grpc"\} [1-9]/);
    expect(text).to.match(/mlc_tunnel_handshakes_total\{outcome="accepted"\} [1-9]/);
    expect(text).to.match(/mlc_tunnel_commands_total\{kind="ping",outcome="ok"\} [1-9]/);
    expect(text).to.match(/mlc_tunnel_command_seconds_bucket\{le="0.005",kind="echo"\}/);
  });

  it('refuses a used, an expired and another tenant\'s enrollment token, with reasons', async () => {
    const token = await createEnrollmentToken(tenant.id);
    await enrollAgent(relay, token);
    const reused = await runCli(AGENT_CLI, ['enroll', '--relay', relay.httpUrl, '--token', token, '--home', '/tmp/mlc-e2e-unused-home']);
    expect(reused.code).to.equal(78);
    expect(reused.stderr).to.match(/HTTP 410.*already used/);

    const shortLived = await createEnrollmentToken(tenant.id, { ttlMs: 1_000 });
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const expired = await runCli(AGENT_CLI, ['enroll', '--relay', relay.httpUrl, '--token', shortLived, '--home', '/tmp/mlc-e2e-unused-home']);
    expect(expired.stderr).to.match(/HTTP 410.*expired/);

    const other = await createTenant('other');
    const foreign = await runCli(AGENT_CLI, ['enroll', '--relay', relay.httpUrl, '--token', await createEnrollmentToken(other.id), '--tenant', tenant.id, '--home', '/tmp/mlc-e2e-unused-home']);
    expect(foreign.stderr).to.match(/HTTP 403.*another tenant/);

    const unknown = await runCli(AGENT_CLI, ['enroll', '--relay', relay.httpUrl, '--token', 'mlc_et_nope', '--home', '/tmp/mlc-e2e-unused-home']);
    expect(unknown.stderr).to.match(/HTTP 401.*not known/);
  });

  it('fails a command to an offline agent at once with AGENT_OFFLINE', async () => {
    const { agentId } = await enrollAgent(relay, await createEnrollmentToken(tenant.id));
    const started = Date.now();
    const response = await relay.admin('POST', `/v1/agents/${agentId}/commands`, { command: 'ping', deadline_ms: 60_000 });
    expect(response.status).to.equal(503);
    expect(response.body).to.include({ error: 'agent_offline', retryable: true });
    expect(Date.now() - started).to.be.below(5_000);
  });

  it('cancels the command on the agent when its deadline passes', async () => {
    const { home, agentId } = await enrollAgent(relay, await createEnrollmentToken(tenant.id));
    const agent = await startConnectedAgent(home);
    agents.push(agent);
    const response = await relay.admin('POST', `/v1/agents/${agentId}/commands`, { command: 'echo', size: 10, delay_ms: 30_000, deadline_ms: 300 });
    expect(response.status).to.equal(504);
    expect(response.body['error']).to.equal('deadline_exceeded');
    const cancelled = await agent.logs.waitFor(message('command cancelled'), 5_000, 'the agent to cancel the command');
    expect(cancelled['code']).to.be.oneOf(['CANCELLED', 'DEADLINE_EXCEEDED']);
  });
});
