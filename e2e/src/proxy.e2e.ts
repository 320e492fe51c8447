import { expect } from 'chai';
import { message } from './harness/log-lines.js';
import { enrollAgent, startConnectedAgent, startRelay, type AgentProcess, type RelayProcess } from './harness/processes.js';
import { createEnrollmentToken, createTenant } from './harness/suite-database.js';
import { ensureTinyproxy, startTinyproxy, type HttpProxy } from './harness/tinyproxy.js';

describe('agent behind an HTTP/1.1 proxy', () => {
  let relay: RelayProcess;
  let proxy: HttpProxy;
  const agents: AgentProcess[] = [];

  before(async function () {
    if (!ensureTinyproxy()) this.skip();
    relay = await startRelay();
    proxy = await startTinyproxy([relay.httpPort]);
  });

  after(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await relay?.stop();
    await proxy?.stop();
  });

  it('falls back from gRPC to WebSocket through the proxy, and commands work', async () => {
    const tenant = await createTenant('proxy');
    const { home, agentId } = await enrollAgent(relay, await createEnrollmentToken(tenant.id));
    const agent = await startConnectedAgent(home, { env: { HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url, NO_PROXY: '' } });
    agents.push(agent);

    const connected = agent.logs.find(message('connected to the relay'));
    expect(connected?.['url']).to.match(/^ws:/);
    expect(connected?.['proxy']).to.equal(proxy.url);
    await agent.logs.waitFor(message('gRPC did not get through'), 5_000, 'the fallback warning');
    const ping = await relay.admin('POST', `/v1/agents/${agentId}/commands`, { command: 'ping' });
    expect(ping.status).to.equal(200);
    const stream = await relay.admin('POST', `/v1/agents/${agentId}/commands`, { command: 'echo_stream', chunks: 64, chunk_size: 65_536 });
    expect(stream.body['result']).to.deep.equal({ chunks: 64, bytes: 64 * 65_536 });
  });

  it('goes direct over gRPC when NO_PROXY names the relay', async () => {
    const tenant = await createTenant('noproxy');
    const { home } = await enrollAgent(relay, await createEnrollmentToken(tenant.id));
    const agent = await startConnectedAgent(home, { env: { HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' } });
    agents.push(agent);
    const connected = agent.logs.find(message('connected to the relay'));
    expect(connected?.['url']).to.match(/^grpc:/);
    expect(connected?.['proxy']).to.equal(undefined);
  });

  it('uses gRPC through a proxy that lets it CONNECT to the gRPC port', async () => {
    const open = await startTinyproxy([relay.httpPort, relay.grpcPort]);
    try {
      const tenant = await createTenant('grpcproxy');
      const { home, agentId } = await enrollAgent(relay, await createEnrollmentToken(tenant.id));
      const agent = await startConnectedAgent(home, { env: { HTTPS_PROXY: open.url, HTTP_PROXY: open.url, NO_PROXY: '' } });
      agents.push(agent);
      const connected = agent.logs.find(message('connected to the relay'));
      expect(connected?.['url']).to.match(/^grpc:/);
      expect(connected?.['proxy']).to.equal(open.url);
      expect((await relay.admin('POST', `/v1/agents/${agentId}/commands`, { command: 'ping' })).status).to.equal(200);
    } finally {
      await open.stop();
    }
  });
});
