import { expect } from 'chai';
import { spawnSimSapEcc, type SimProcess } from '@mlc/sim-sap-ecc';
import { AGENT_CLI, enrollAgent, runCli, startConnectedAgent, startRelay, type AgentProcess, type RelayProcess } from './harness/processes.js';
import { addSapProfile } from './harness/sap-profile.js';
import { createEnrollmentToken, createTenant } from './harness/suite-database.js';

interface StatusJson {
  relay: { state: string; transport?: string; url?: string };
  profiles: Array<{ name: string; reachable: boolean; detail: string }>;
  recentErrors: Array<{ message: string }>;
  commandsInFlight: number;
}

describe('mlc-agent status', () => {
  let relay: RelayProcess;
  let sim: SimProcess;
  let agent: AgentProcess;
  let home: string;

  const status = async (...extra: string[]): Promise<{ code: number | null; text: string }> => {
    const result = await runCli(AGENT_CLI, ['status', '--home', home, ...extra]);
    return { code: result.code, text: result.stdout };
  };

  before(async () => {
    relay = await startRelay();
    sim = await spawnSimSapEcc(['--customers', '100']);
    const tenant = await createTenant('status');
    ({ home } = await enrollAgent(relay, await createEnrollmentToken(tenant.id)));
    await addSapProfile(home, sim, { name: 'PRD-100' });
    agent = await startConnectedAgent(home, { env: { MLC_PROFILE_HEALTH_MAX_AGE_MS: '0' } });
  });

  after(async () => {
    await agent?.stop();
    await relay?.stop();
    await sim?.stop().catch(() => undefined);
  });

  it('reports OK (exit 0) when connected and every ERP profile answers', async () => {
    const json = await status('--json');
    expect(json.code).to.equal(0);
    const parsed = JSON.parse(json.text) as StatusJson;
    expect(parsed.relay).to.include({ state: 'connected', transport: 'grpc' });
    expect(parsed.profiles).to.have.length(1);
    expect(parsed.profiles[0]).to.include({ name: 'PRD-100', reachable: true });
    const text = await status();
    expect(text.text).to.match(/relay: connected to grpc:\/\/127\.0\.0\.1:\d+ over grpc/);
    expect(text.text).to.match(/PRD-100 \(sap-rfc\): reachable - RFC_PING answered/);
  });

  it('reports WARNING (exit 1) when an ERP profile stops answering', async () => {
    await sim.stop();
    const result = await status();
    expect(result.code).to.equal(1);
    expect(result.text).to.match(/PRD-100 \(sap-rfc\): UNREACHABLE/);
  });

  it('reports CRITICAL (exit 2) with the recent errors while the relay is gone, and when the agent is not running', async () => {
    await relay.stop();
    let result = await status('--json');
    // After the drain, the agent's reconnect attempts fail and are listed.
    const settled = (r: { text: string }): boolean => {
      const s = JSON.parse(r.text) as StatusJson;
      return s.relay.state !== 'connected' && s.recentErrors.length > 0;
    };
    for (let i = 0; i < 100 && !settled(result); i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      result = await status('--json');
    }
    expect(result.code).to.equal(2);
    const parsed = JSON.parse(result.text) as StatusJson;
    expect(parsed.relay.state).to.not.equal('connected');
    expect(parsed.recentErrors.length).to.be.at.least(1);

    await agent.stop();
    const down = await status();
    expect(down.code).to.equal(2);
    expect(down.text).to.match(/no agent is running/);
  });
});
