import { expect } from 'chai';
import { spawnSimSageX3 } from './sim-process.js';

describe('sim-sage-x3 process', () => {
  it('starts on a free port with the given folder and seed, and answers its admin API', async () => {
    const sim = await spawnSimSageX3(['--folder', 'ACME', '--seed', '3', '--customers', '12', '--app', 'cid:secret-secret-secret-secret-00:API_USER']);
    try {
      expect(sim.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
      const state = await sim.admin('GET', '/state');
      expect(state).to.include({ folder: 'ACME', customers: 12 });
    } finally {
      await sim.stop();
    }
  });
});
