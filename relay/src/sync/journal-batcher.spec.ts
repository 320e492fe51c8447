import { expect } from 'chai';
import { JournalBatcher } from './journal-batcher.js';
import type { AttemptRecord } from './sync-records.repository.js';

const attempt = (linkId: string): AttemptRecord => ({ linkId, outcome: 'succeeded', correlationId: `c-${linkId}` });

/** A write the test finishes by hand, recording what each call was given. */
function manualWrites() {
  const calls: Array<{ links: string[]; finish: (err?: Error) => void }> = [];
  const write = (attempts: readonly AttemptRecord[]) =>
    new Promise<void>((resolve, reject) => calls.push({ links: attempts.map((a) => a.linkId), finish: (err) => (err ? reject(err) : resolve()) }));
  return { calls, write };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('JournalBatcher (group commit of a run\'s journal)', () => {
  it('writes at once while below its in-flight limit, then gathers what comes meanwhile into one write', async () => {
    const { calls, write } = manualWrites();
    const batcher = new JournalBatcher(write, { maxInFlight: 1, maxGroup: 100 });
    const first = batcher.add([attempt('a')]);
    const later = [batcher.add([attempt('b')]), batcher.add([attempt('c'), attempt('d')])];
    expect(calls.map((c) => c.links)).to.deep.equal([['a']]);
    calls[0]?.finish();
    await first;
    await tick();
    expect(calls.map((c) => c.links)).to.deep.equal([['a'], ['b', 'c', 'd']]);
    calls[1]?.finish();
    await Promise.all(later);
  });

  it('never puts two attempts on one link in the same write, and caps a write at maxGroup', async () => {
    const { calls, write } = manualWrites();
    const batcher = new JournalBatcher(write, { maxInFlight: 1, maxGroup: 3 });
    const all = [batcher.add([attempt('x')]), batcher.add([attempt('a')]), batcher.add([attempt('a')]), batcher.add([attempt('b'), attempt('c'), attempt('d')])];
    for (let i = 0; i < 4; i += 1) {
      calls[i]?.finish();
      await tick();
    }
    expect(calls.map((c) => c.links)).to.deep.equal([['x'], ['a'], ['a'], ['b', 'c', 'd']]);
    await Promise.all(all);
  });

  it('rejects every caller of a failed write with its error, and goes on with the next', async () => {
    const { calls, write } = manualWrites();
    const batcher = new JournalBatcher(write, { maxInFlight: 1, maxGroup: 100 });
    const first = batcher.add([attempt('a')]);
    const failing = [batcher.add([attempt('b')]), batcher.add([attempt('c')])];
    calls[0]?.finish();
    await first;
    await tick();
    calls[1]?.finish(new Error('duplicate key value violates unique constraint "uq_sync_link_sap"'));
    const outcomes = await Promise.allSettled(failing);
    expect(outcomes.map((o) => o.status)).to.deep.equal(['rejected', 'rejected']);
    const next = batcher.add([attempt('d')]);
    await tick();
    calls[2]?.finish();
    await next;
    expect(calls.map((c) => c.links)).to.deep.equal([['a'], ['b', 'c'], ['d']]);
  });
});
