import { expect } from 'chai';
import { parseMetricsListen } from './metrics-server.js';

describe('parseMetricsListen', () => {
  it('binds a bare port to loopback only', () => {
    expect(parseMetricsListen('9464')).to.deep.equal({ host: '127.0.0.1', port: 9464 });
  });

  it('takes an explicit host, IPv6 in brackets', () => {
    expect(parseMetricsListen('0.0.0.0:9464')).to.deep.equal({ host: '0.0.0.0', port: 9464 });
    expect(parseMetricsListen('[::1]:9464')).to.deep.equal({ host: '::1', port: 9464 });
  });

  it('refuses what is not PORT or HOST:PORT', () => {
    for (const bad of ['', 'abc', '70000', 'host:', ':9464x', '::1:9464']) expect(parseMetricsListen(bad), bad).to.equal(undefined);
  });
});
