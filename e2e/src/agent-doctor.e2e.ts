import { expect } from 'chai';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { spawnSimSapEcc, type SimProcess } from '@mlc/sim-sap-ecc';
import { AGENT_CLI, enrollAgent, runCli, startRelay, type RelayProcess } from './harness/processes.js';
import { addSapProfile } from './harness/sap-profile.js';
import { createEnrollmentToken, createTenant } from './harness/suite-database.js';
import { makeTestPki } from './harness/test-certificates.js';
import { ensureTinyproxy, startTinyproxy } from './harness/tinyproxy.js';

interface DoctorJson {
  results: Array<{ name: string; status: string; detail: string; advice?: string }>;
}

async function doctor(home: string, env: Record<string, string> = {}): Promise<{ code: number | null; results: DoctorJson['results'] }> {
  const result = await runCli(AGENT_CLI, ['doctor', '--home', home, '--json'], { NO_PROXY: '', HTTPS_PROXY: '', HTTP_PROXY: '', ...env });
  return { code: result.code, results: (JSON.parse(result.stdout) as DoctorJson).results };
}

const find = (results: DoctorJson['results'], pattern: RegExp) => results.find((r) => pattern.test(r.name));

describe('mlc-agent doctor', () => {
  let relay: RelayProcess;
  let tenant: { id: string };

  before(async () => {
    relay = await startRelay();
    tenant = await createTenant('doctor');
  });

  after(async () => {
    await relay?.stop();
  });

  it('passes every step against a healthy relay and SAP, and stops with advice when SAP is down', async () => {
    const sim: SimProcess = await spawnSimSapEcc(['--customers', '50']);
    try {
      const { home } = await enrollAgent(relay, await createEnrollmentToken(tenant.id));
      await addSapProfile(home, sim, { name: 'QAS-200' });
      const healthy = await doctor(home);
      expect(healthy.code, JSON.stringify(healthy.results)).to.equal(0);
      expect(find(healthy.results, /^gRPC tunnel/)?.status).to.equal('ok');
      expect(find(healthy.results, /^WebSocket tunnel/)?.status).to.equal('ok');
      expect(find(healthy.results, /clock skew/)?.status).to.equal('ok');
      expect(find(healthy.results, /SAP profile QAS-200/)?.status).to.equal('ok');

      await sim.stop();
      const sapDown = await doctor(home);
      expect(sapDown.code).to.equal(2);
      expect(find(sapDown.results, /SAP profile QAS-200/)?.advice).to.match(/SAP does not answer: check ashost\/sysnr/);
    } finally {
      await sim.stop().catch(() => undefined);
    }
  });

  it('says nothing accepts connections when the relay is down', async () => {
    const other = await startRelay();
    const { home } = await enrollAgent(other, await createEnrollmentToken(tenant.id));
    await other.stop();
    const down = await doctor(home);
    expect(down.code).to.equal(2);
    expect(find(down.results, /^TCP .*gRPC tunnel/)?.advice).to.match(/nothing accepts connections at 127\.0\.0\.1:\d+: is the relay running/);
    expect(find(down.results, /^gRPC tunnel/)?.status).to.equal('skip');
  });

  it('warns, naming the proxy, when the proxy refuses CONNECT to the gRPC port but WebSocket gets through', async function () {
    if (!ensureTinyproxy()) this.skip();
    const proxy = await startTinyproxy([relay.httpPort]);
    try {
      const { home } = await enrollAgent(relay, await createEnrollmentToken(tenant.id));
      const behindProxy = await doctor(home, { HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url });
      expect(behindProxy.code).to.equal(1);
      const refused = find(behindProxy.results, /^proxy .*gRPC tunnel/);
      expect(refused?.status).to.equal('warn');
      expect(refused?.advice).to.match(/the proxy refuses CONNECT to 127\.0\.0\.1:\d+ \(HTTP 403\).*WebSocket fallback/);
      expect(find(behindProxy.results, /^WebSocket tunnel/)?.status).to.equal('ok');
    } finally {
      await proxy.stop();
    }
  });

  it('explains an untrusted relay certificate and how to give the CA', async () => {
    const pki = await makeTestPki();
    const tlsRelay = await startRelay({ env: { RELAY_TLS_CERT_FILE: pki.certFile, RELAY_TLS_KEY_FILE: pki.keyFile } });
    try {
      const home = join(pki.dir, 'agent');
      const enrolled = await runCli(AGENT_CLI, ['enroll', '--relay', `https://127.0.0.1:${tlsRelay.httpPort}`, '--token', await createEnrollmentToken(tenant.id), '--home', home, '--ca', pki.caFile]);
      expect(enrolled.code, enrolled.stderr).to.equal(0);
      expect((await doctor(home)).code).to.equal(0);

      const configFile = join(home, 'agent.json');
      const config = JSON.parse(await readFile(configFile, 'utf8')) as { caFile: string };
      config.caFile = pki.otherCaFile;
      await writeFile(configFile, JSON.stringify(config));
      const wrongCa = await doctor(home);
      expect(wrongCa.code).to.equal(2);
      const tls = find(wrongCa.results, /^TLS .*gRPC tunnel/);
      expect(tls?.status).to.equal('fail');
      expect(tls?.advice).to.match(/does not trust the relay's certificate .*--ca FILE/);
    } finally {
      await tlsRelay.stop();
    }
  });
});
