import { expect } from 'chai';
import { ConfigError, loadRelayConfig } from './relay-config.js';

describe('loadRelayConfig', () => {
  it('applies defaults on an empty environment', () => {
    const config = loadRelayConfig({});
    expect(config).to.include({ host: '127.0.0.1', httpPort: 8080, grpcPort: 8081, databaseUrl: undefined, adminToken: undefined });
  });

  it('reports every invalid variable at once', () => {
    try {
      loadRelayConfig({ RELAY_HTTP_PORT: 'eighty', RELAY_HEARTBEAT_INTERVAL_MS: '1', DATABASE_URL: 'not a url', RELAY_ADMIN_TOKEN: 'short' });
      expect.fail('expected a ConfigError');
    } catch (err) {
      expect(err).to.be.instanceOf(ConfigError);
      const fields = (err as ConfigError).problems.map((p) => p.split(':')[0]);
      expect(fields).to.include.members(['RELAY_HTTP_PORT', 'RELAY_HEARTBEAT_INTERVAL_MS', 'DATABASE_URL', 'RELAY_ADMIN_TOKEN']);
    }
  });

  it('requires TLS when listening beyond loopback, unless told TLS ends in front', () => {
    expect(() => loadRelayConfig({ RELAY_HOST: '0.0.0.0' })).to.throw(ConfigError, /TLS is required/);
    expect(loadRelayConfig({ RELAY_HOST: '0.0.0.0', RELAY_INSECURE_PLAINTEXT: 'true' }).host).to.equal('0.0.0.0');
  });

  it('refuses a heartbeat timeout shorter than two intervals', () => {
    expect(() => loadRelayConfig({ RELAY_HEARTBEAT_INTERVAL_MS: '5000', RELAY_HEARTBEAT_TIMEOUT_MS: '6000' })).to.throw(ConfigError, /at least twice/);
  });
});
