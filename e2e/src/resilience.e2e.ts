import { expect } from 'chai';
import { message } from './harness/log-lines.js';
import { enrollAgent, startConnectedAgent, startRelay, type AgentProcess, type RelayProcess } from './harness/processes.js';
import { createEnrollmentToken, createTenant } from './harness/suite-database.js';

async function ping(relay: RelayProcess, agentId: string): Promise<{ status: number; body: Record<string, unknown> }> {
  return relay.admin('POST', `/v1/agents/${agentId}/commands`, { command: 'ping', deadline_ms: 5_000 });
}

async function eventually<T>(probe: () => Promise<T>, accept: (value: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await probe();
    if (accept(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${what} did not happen within ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
}

describe('tunnel resilience', () => {
  const cleanup: Array<RelayProcess | AgentProcess> = [];
  afterEach(async () => {
    await Promise.all(cleanup.splice(0).map((p) => p.stop()));
  });

  it('agents reconnect after a relay restart', async () => {
    const tenant = await createTenant('restart');
    const first = await startRelay();
    cleanup.push(first);
    const { home, agentId } = await enrollAgent(first, await createEnrollmentToken(tenant.id));
    const agent = await startConnectedAgent(home);
    cleanup.push(agent);

    await first.stop();
    await agent.logs.waitFor(message('relay asked the agent to drain'), 5_000, 'the drain request');
    const second = await startRelay({ httpPort: first.httpPort, grpcPort: first.grpcPort });
    cleanup.push(second);
    await second.logs.waitFor(message('agent connected'), 20_000, 'the agent to reconnect');
    expect((await ping(second, agentId)).status).to.equal(200);
  });

  it('routes a call made on one replica to an agent connected to the other, through PostgreSQL', async () => {
    const tenant = await createTenant('replicas');
    const replicaA = await startRelay();
    const replicaB = await startRelay();
    cleanup.push(replicaA, replicaB);
    const { home, agentId } = await enrollAgent(replicaA, await createEnrollmentToken(tenant.id));
    cleanup.push(await startConnectedAgent(home));

    const readyB = await fetch(`${replicaB.httpUrl}/health/ready`).then((r) => r.json() as Promise<{ agents_connected: number }>);
    expect(readyB.agents_connected).to.equal(0);
    const viaB = await ping(replicaB, agentId);
    expect(viaB.status, JSON.stringify(viaB.body)).to.equal(200);
    const echo = await replicaB.admin('POST', `/v1/agents/${agentId}/commands`, { command: 'echo', size: 200_000 });
    expect(echo.body['result']).to.deep.equal({ bytes: 200_000 });
    // A streamed result, larger than the flow-control window, crosses replicas chunk by chunk.
    const stream = await replicaB.admin('POST', `/v1/agents/${agentId}/commands`, { command: 'echo_stream', chunks: 200, chunk_size: 65_536 });
    expect(stream.status, JSON.stringify(stream.body)).to.equal(200);
    expect(stream.body['result']).to.deep.equal({ chunks: 200, bytes: 200 * 65_536 });
  });

  it('sends a site group\'s next command to the surviving member when one is killed', async () => {
    const tenant = await createTenant('group');
    const relay = await startRelay();
    cleanup.push(relay);
    const members = await Promise.all([1, 2].map(async () => enrollAgent(relay, await createEnrollmentToken(tenant.id, { group: 'site-a' }))));
    const processes = await Promise.all(members.map((m) => startConnectedAgent(m.home)));
    cleanup.push(...processes);

    const groupPing = (): Promise<{ status: number; body: Record<string, unknown> }> =>
      relay.admin('POST', `/v1/tenants/${tenant.name}/groups/site-a/commands`, { command: 'ping' });
    const before = await groupPing();
    expect(before.status).to.equal(200);
    const victim = members.findIndex((m) => m.agentId === before.body['agent_id']);
    expect(victim).to.be.at.least(0);

    processes[victim].kill('SIGKILL');
    await relay.logs.waitFor((l) => l.msg === 'agent disconnected' && l['agent'] === members[victim].agentId, 10_000, 'the relay to notice the kill');
    const after = await groupPing();
    expect(after.status, JSON.stringify(after.body)).to.equal(200);
    expect(after.body['agent_id']).to.equal(members[1 - victim].agentId);
  });

  it('an agent stopped with SIGTERM finishes its in-flight command before it exits', async () => {
    const tenant = await createTenant('sigterm');
    const relay = await startRelay();
    cleanup.push(relay);
    const { home, agentId } = await enrollAgent(relay, await createEnrollmentToken(tenant.id));
    const agent = await startConnectedAgent(home);
    cleanup.push(agent);

    const slow = relay.admin('POST', `/v1/agents/${agentId}/commands`, { command: 'echo', size: 1_000, delay_ms: 1_500 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    agent.kill('SIGTERM');
    const answer = await slow;
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    expect(answer.body['result']).to.deep.equal({ bytes: 1_000 });
    expect((await agent.exited).code).to.equal(0);
    // Draining, the agent took no new work: the relay stopped routing to it at once.
    await relay.logs.waitFor(message('agent is draining'), 5_000, 'the relay to see the drain');
  });

  it('notices an agent that stops answering from its missed heartbeats', async () => {
    const tenant = await createTenant('silent');
    const relay = await startRelay();
    cleanup.push(relay);
    const { home, agentId } = await enrollAgent(relay, await createEnrollmentToken(tenant.id));
    const agent = await startConnectedAgent(home);
    cleanup.push(agent);

    // A frozen process keeps its socket open: only heartbeats can tell it is gone.
    agent.kill('SIGSTOP');
    try {
      const noticed = await relay.logs.waitFor((l) => l.msg === 'agent disconnected' && l['agent'] === agentId, 10_000, 'the dead-peer detection');
      expect(String(noticed['reason'])).to.match(/no frame from the agent/);
      expect((await ping(relay, agentId)).body['error']).to.equal('agent_offline');
    } finally {
      agent.kill('SIGCONT');
    }
    await agent.logs.waitFor(message('tunnel closed; reconnecting'), 10_000, 'the agent to notice');
  });

  it('an agent notices a relay that stops answering and reconnects when it answers again', async () => {
    const tenant = await createTenant('frozen-relay');
    const relay = await startRelay();
    cleanup.push(relay);
    const { home, agentId } = await enrollAgent(relay, await createEnrollmentToken(tenant.id));
    const agent = await startConnectedAgent(home);
    cleanup.push(agent);

    relay.kill('SIGSTOP');
    try {
      await agent.logs.waitFor(message('relay went silent'), 15_000, 'the agent to notice the silent relay');
    } finally {
      relay.kill('SIGCONT');
    }
    await eventually(() => ping(relay, agentId), (r) => r.status === 200, 20_000, 'the agent to reconnect');
  });
});
