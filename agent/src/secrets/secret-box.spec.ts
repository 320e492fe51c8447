import { expect } from 'chai';
import { mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentConfigError } from '../config/agent-config.js';
import { SECRET_KEY_FILE, SecretBox } from './secret-box.js';

describe('SecretBox', () => {
  it('encrypts with a key kept in the agent home (0600) and decrypts what it encrypted', async () => {
    const home = await mkdtemp(join(tmpdir(), 'mlc-secret-'));
    const box = await SecretBox.open(home, { create: true });
    const sealed = box.encrypt('Welcome1');
    expect(sealed).to.match(/^mlc-enc:v1:/);
    expect(sealed).not.to.contain('Welcome1');
    expect(box.encrypt('Welcome1')).not.to.equal(sealed);
    expect((await SecretBox.open(home)).decrypt(sealed, 'profiles[0].password')).to.equal('Welcome1');
    expect((await stat(join(home, SECRET_KEY_FILE))).mode & 0o777).to.equal(0o600);
  });

  it('refuses a plaintext, tampered or foreign value, naming the field', async () => {
    const box = await SecretBox.open(await mkdtemp(join(tmpdir(), 'mlc-secret-')), { create: true });
    const other = await SecretBox.open(await mkdtemp(join(tmpdir(), 'mlc-secret-')), { create: true });
    const sealed = box.encrypt('Welcome1');
    expect(() => box.decrypt('Welcome1', 'profiles[0].password')).to.throw(AgentConfigError, 'profiles[0].password must be encrypted');
    expect(() => other.decrypt(sealed, 'profiles[1].password')).to.throw(AgentConfigError, 'profiles[1].password cannot be decrypted');
    const tampered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BB' : 'AA');
    expect(() => box.decrypt(tampered, 'profiles[0].password')).to.throw(AgentConfigError);
  });
});
