import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { loadRelayConfig } from '../config/relay-config.js';
import { MasterKeyCipher } from './master-key.cipher.js';

const cipherWith = (keys: string): MasterKeyCipher => new MasterKeyCipher(loadRelayConfig({ RELAY_MASTER_KEYS: keys }));

describe('MasterKeyCipher (AES-256-GCM under RELAY_MASTER_KEYS)', () => {
  const old = `k1:${randomBytes(32).toString('base64')}`;
  const current = `k2:${randomBytes(32).toString('base64')}`;

  it('seals under the first key and still opens what an older key sealed (rotation)', () => {
    const before = cipherWith(old).seal('1000.refresh.token', 'zoho-refresh:t1');
    expect(before.keyId).to.equal('k1');
    const rotated = cipherWith(`${current},${old}`);
    expect(rotated.open(before, 'zoho-refresh:t1')).to.equal('1000.refresh.token');
    const after = rotated.seal('1000.refresh.token', 'zoho-refresh:t1');
    expect(after.keyId).to.equal('k2');
    expect(after.ciphertext).to.not.equal(before.ciphertext);
  });

  it('refuses a tampered ciphertext, another context and a key that was removed', () => {
    const cipher = cipherWith(`${current},${old}`);
    const sealed = cipher.seal('secret', 'ctx');
    const raw = Buffer.from(sealed.ciphertext, 'base64');
    raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 1;
    expect(() => cipher.open({ keyId: 'k2', ciphertext: raw.toString('base64') }, 'ctx')).to.throw(/does not open/);
    expect(() => cipher.open(sealed, 'other')).to.throw(/does not open/);
    expect(() => cipherWith(old).open(sealed, 'ctx')).to.throw(/not configured/);
  });
});
