import { expect } from 'chai';
import { RELAY_CLI, enrollAgent, runCli, startConnectedAgent, startRelay, type AgentProcess, type RelayProcess } from './harness/processes.js';
import { suiteDatabaseUrl } from './harness/suite-database.js';

describe('mlc-relay CLI', () => {
  let relay: RelayProcess;
  let agent: AgentProcess | undefined;
  const cli = (...args: string[]) => runCli(RELAY_CLI, args, { DATABASE_URL: suiteDatabaseUrl(), LOG_LEVEL: 'warn' });

  before(async () => {
    relay = await startRelay();
  });

  after(async () => {
    await agent?.stop();
    await relay.stop();
  });

  it('creates a tenant and a token, lists the agent that enrolled with it, and revokes it', async () => {
    const name = `cli-${Date.now().toString(36)}`;
    const created = await cli('tenant', 'create', name, '--json');
    expect(created.code, created.stderr).to.equal(0);
    const tenant = JSON.parse(created.stdout) as { id: string; name: string };

    const issued = await cli('enrollment-token', 'create', '--tenant', name, '--group', 'plant-7', '--ttl', '15m', '--json');
    const token = JSON.parse(issued.stdout) as { token: string; group: string; tenant_id: string };
    expect(token).to.include({ group: 'plant-7', tenant_id: tenant.id });

    const { home, agentId } = await enrollAgent(relay, token.token);
    agent = await startConnectedAgent(home);
    const listed = JSON.parse((await cli('agents', 'list', '--tenant', name, '--json')).stdout) as Array<{ id: string; online: boolean; groupName: string }>;
    expect(listed).to.have.length(1);
    expect(listed[0]).to.include({ id: agentId, online: true, groupName: 'plant-7' });

    const revoked = await cli('agents', 'revoke', agentId);
    expect(revoked.stdout).to.match(/revoked/);
    expect((await agent.exited).code).to.equal(78);
  });

  it('says what is wrong with bad input and exits 2', async () => {
    const duplicate = `dup-${Date.now().toString(36)}`;
    await cli('tenant', 'create', duplicate);
    const again = await cli('tenant', 'create', duplicate);
    expect(again.code).to.equal(2);
    expect(again.stderr).to.match(/already exists/);
    const badTtl = await cli('enrollment-token', 'create', '--tenant', duplicate, '--ttl', 'forever');
    expect(badTtl.code).to.equal(2);
    expect(badTtl.stderr).to.match(/--ttl: "forever" is not a duration/);
    const noTenant = await cli('enrollment-token', 'create', '--tenant', 'no-such-tenant');
    expect(noTenant.stderr).to.match(/no tenant "no-such-tenant"/);
  });
});
