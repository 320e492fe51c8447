import { expect } from 'chai';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentConfigError, readAgentConfig } from './agent-config.js';

const BASE = {
  agentId: '2f1c6a1e-8a57-4a4e-9d0f-1b2c3d4e5f60',
  tenantId: '7a1c6a1e-8a57-4a4e-9d0f-1b2c3d4e5f61',
  name: 'a',
  group: 'g',
  relay: { httpUrl: 'http://127.0.0.1:1', grpcUrl: 'http://127.0.0.1:2', wsUrl: 'ws://127.0.0.1:1/v1/tunnel' },
};
const PROFILE = { name: 'PRD-100', kind: 'sap-rfc', connection: { ashost: 'sap1', sysnr: '00', client: '100', user: 'MLC_RFC', lang: 'EN' }, password: 'mlc-enc:v1:a:b:c' };

async function read(config: unknown): Promise<Awaited<ReturnType<typeof readAgentConfig>>> {
  const home = await mkdtemp(join(tmpdir(), 'mlc-config-'));
  await writeFile(join(home, 'agent.json'), JSON.stringify(config));
  return readAgentConfig(home);
}

describe('agent.json SAP profiles and policy', () => {
  it('defaults to no profiles and a policy that allows nothing', async () => {
    const config = await read(BASE);
    expect(config.profiles).to.deep.equal([]);
    expect(config.policy).to.deep.equal({ functionModules: [], tables: {}, x3: {} });
  });

  it('reads a profile with its defaults and a policy of exact names, prefixes and table caps', async () => {
    const config = await read({ ...BASE, profiles: [PROFILE], policy: { functionModules: ['BAPI_PO_*', 'RFC_PING'], tables: { KNA1: { maxRows: 500000 } } } });
    expect(config.profiles[0]).to.include({ name: 'PRD-100', maxConnections: 10, rfcModule: 'node-rfc' });
    expect(config.policy.tables['KNA1']).to.deep.equal({ maxRows: 500000 });
  });

  it('names every bad field: a password in the connection, a bad cap, a lower-case rule, a duplicate profile', async () => {
    const bad = {
      ...BASE,
      profiles: [{ ...PROFILE, connection: { ...PROFILE.connection, passwd: 'x' }, maxConnections: 500 }, PROFILE, PROFILE],
      policy: { functionModules: ['bapi_po_*'], tables: { KNA1: { maxRows: -1 } } },
    };
    const err = await read(bad).then(() => undefined, (e: unknown) => e);
    expect(err).to.be.instanceOf(AgentConfigError);
    const text = (err as Error).message;
    expect(text).to.contain('profiles.0.connection');
    expect(text).to.contain('mlc-agent secret encrypt');
    expect(text).to.contain('profiles.0.maxConnections');
    expect(text).to.contain('policy.functionModules.0');
    expect(text).to.contain('policy.tables.KNA1.maxRows');
    expect(text).to.contain('profiles.2.name');
  });
});
