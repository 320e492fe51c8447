import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { http } from './sim-test-kit.js';

const MAIN = fileURLToPath(new URL('./sim-zoho.main.js', import.meta.url));

describe('sim-zoho CLI', () => {
  it('starts with its flags, serves the DCs and the admin API, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [MAIN, '--port', '0', '--edition', 'free', '--client', 'cid:secret', '--auto-approve', '--latency-ms', '5', '--max-channel-expiry', '1w', '--org-dc', 'in', '--custom-field', 'Accounts.SAP_Customer_Number:text:unique'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
      const started = JSON.parse(chunk.toString('utf8').split('\n')[0]) as { url: string; dcs: Record<string, { accountsServer: string; apiDomain: string }> };
      expect(started.dcs.eu.apiDomain).to.equal(`${started.url}/dc/eu/api`);
      const state = await http(`${started.url}/__admin/state`);
      expect(state.json.settings).to.include({ edition: 'free', latencyMs: 5, maxChannelExpiryMs: 604_800_000, orgDc: 'in', autoApprove: true });
      const redirect = await http(`${started.dcs.us.accountsServer}/oauth/v2/auth?client_id=cid&response_type=code&access_type=offline&scope=ZohoCRM.modules.ALL&redirect_uri=http://localhost/cb`);
      expect(new URL(redirect.headers.get('location') ?? '').searchParams.get('location')).to.equal('in');
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).to.equal(0);
  });
});
