import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BOOTSTRAP = new URL('./threadpool.bootstrap.js', import.meta.url).href;

/**
 * Blocks 8 threadpool threads on FIFOs nobody writes to, then asks for one more threadpool job:
 * it only finishes when the pool has more than 8 threads. The probe kills itself: threads stuck
 * in open() would hold a normal exit.
 */
async function probe(home: string, dir: string): Promise<string> {
  const script = join(dir, 'probe.mjs');
  await writeFile(script, `import '${BOOTSTRAP}';
import { open, stat } from 'node:fs/promises';
for (let i = 0; i < 8; i++) void open('${dir}/fifo' + i, 'r').catch(() => {});
const r = await Promise.race([stat('${dir}').then(() => 'more than 8'), new Promise((ok) => setTimeout(() => ok('at most 8'), 1000))]);
process.stdout.write(r, () => process.kill(process.pid, 'SIGKILL'));
`);
  const env = { ...process.env };
  delete env['UV_THREADPOOL_SIZE'];
  return spawnSync(process.execPath, [script, 'run', '--home', home], { env, encoding: 'utf8', timeout: 10_000 }).stdout;
}

describe('threadpool bootstrap (UV_THREADPOOL_SIZE from the SAP profiles)', () => {
  it('grows libuv\'s threadpool to the profiles\' connection caps before it starts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mlc-uv-'));
    for (let i = 0; i < 8; i += 1) execFileSync('mkfifo', [join(dir, `fifo${i}`)]);
    const sized = join(dir, 'sized');
    const plain = join(dir, 'plain');
    execFileSync('mkdir', ['-p', sized, plain]);
    await writeFile(join(sized, 'agent.json'), JSON.stringify({ profiles: [{ kind: 'sap-rfc', name: 'A', maxConnections: 6 }, { kind: 'sap-rfc', name: 'B' }] }));
    expect(await probe(sized, dir)).to.equal('more than 8');
    expect(await probe(plain, dir)).to.equal('at most 8');
  });
});
