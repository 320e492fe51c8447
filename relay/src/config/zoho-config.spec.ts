import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { ConfigError, loadRelayConfig } from './relay-config.js';

const key = (): string => randomBytes(32).toString('base64');
const ZOHO = { ZOHO_CLIENT_ID: '1000.X', ZOHO_CLIENT_SECRET: 's', ZOHO_REDIRECT_URI: 'https://relay.example/v1/zoho/oauth/callback', ZOHO_WEBHOOK_BASE_URL: 'https://relay.example' };

function problems(env: Record<string, string>): string[] {
  try {
    loadRelayConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('loadRelayConfig: Zoho and master keys', () => {
  it('leaves Zoho off without ZOHO_CLIENT_ID', () => {
    const config = loadRelayConfig({});
    expect(config.zoho).to.equal(undefined);
    expect(config.masterKeys).to.deep.equal([]);
  });

  it('reads the master keys, first one current, and the Zoho settings with the real accounts servers by default', () => {
    const config = loadRelayConfig({ ...ZOHO, RELAY_MASTER_KEYS: `new:${key()},old:${key()}` });
    expect(config.masterKeys.map((k) => k.id)).to.deep.equal(['new', 'old']);
    expect(config.zoho?.accountsServers).to.include('https://accounts.zoho.eu');
    expect(config.zoho?.watchModules).to.deep.equal(['Accounts']);
  });

  it('reports every Zoho problem at once, and never echoes key material', () => {
    const short = Buffer.from('too short').toString('base64');
    const found = problems({ ZOHO_CLIENT_ID: '1000.X', RELAY_MASTER_KEYS: `a:${short},bad id:${key()}`, ZOHO_CHANNEL_TTL_MS: '3600000', ZOHO_CHANNEL_RENEW_BEFORE_MS: '7200000' });
    const names = found.map((p) => p.split(':')[0]);
    expect(names).to.include.members(['ZOHO_CLIENT_SECRET (or ZOHO_CLIENT_SECRET_FILE)', 'ZOHO_REDIRECT_URI', 'ZOHO_WEBHOOK_BASE_URL', 'RELAY_MASTER_KEYS', 'ZOHO_CHANNEL_RENEW_BEFORE_MS']);
    expect(found.join('\n')).to.not.contain(short);
  });
});
