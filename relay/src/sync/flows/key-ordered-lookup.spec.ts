import { expect } from 'chai';
import { KeyOrderedLookup } from './key-ordered-lookup.js';

type Row = { KUNNR: string; ZTERM: string };

/** Batches handed out one at a time, when the test says so. */
class ControlledRead implements AsyncIterable<Row[]> {
  private readonly queue: Array<Row[] | Error | undefined> = [];
  private wake: (() => void) | undefined;
  returned = false;

  /** The next batch; an Error fails the read, undefined ends it. */
  give(item: Row[] | Error | undefined): void {
    this.queue.push(item);
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Row[]> {
    try {
      for (;;) {
        while (this.queue.length === 0) await new Promise<void>((resolve) => (this.wake = resolve));
        const item = this.queue.shift();
        if (item === undefined) return;
        if (item instanceof Error) throw item;
        yield item;
      }
    } finally {
      this.returned = true;
    }
  }
}

const rows = (...kunnrs: string[]): Row[] => kunnrs.map((KUNNR) => ({ KUNNR, ZTERM: `T${KUNNR.slice(-1)}` }));
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function settled(promise: Promise<unknown>): Promise<string> {
  let state = 'pending';
  promise.then(() => (state = 'resolved'), (err: Error) => (state = `rejected: ${err.message}`));
  await tick();
  return state;
}

describe('KeyOrderedLookup (a table read in key order, usable as it arrives)', () => {
  it('lets a reader through a key once the read is past it, with every value up to there in', async () => {
    const read = new ControlledRead();
    const lookup = new KeyOrderedLookup(read, (r: Row) => r.KUNNR, (r: Row) => r.ZTERM);
    const upTo3 = lookup.readThrough('0003');
    const upTo5 = lookup.readThrough('0005');
    read.give(rows('0001', '0002'));
    expect(await settled(upTo3)).to.equal('pending');
    read.give(rows('0003', '0004'));
    expect(await settled(upTo3)).to.equal('resolved');
    expect(await settled(upTo5)).to.equal('pending');
    expect([lookup.get('0001'), lookup.get('0003'), lookup.get('0005')]).to.deep.equal(['T1', 'T3', undefined]);
    expect(await settled(lookup.readThrough('0002')), 'a key already passed').to.equal('resolved');
    read.give(undefined);
    expect(await settled(upTo5), 'the read is over: a key without a row has none').to.equal('resolved');
    expect(await settled(lookup.readThrough('9999'))).to.equal('resolved');
  });

  it('fails whoever waits, and whoever asks later, when the read fails', async () => {
    const read = new ControlledRead();
    const lookup = new KeyOrderedLookup(read, (r: Row) => r.KUNNR, (r: Row) => r.ZTERM);
    const waiting = lookup.readThrough('0009');
    read.give(rows('0001'));
    read.give(new Error('SAP connection lost'));
    expect(await settled(waiting)).to.equal('rejected: SAP connection lost');
    expect(await settled(lookup.readThrough('0001')), 'even a key it had passed: the read is broken').to.equal('rejected: SAP connection lost');
  });

  it('closed (the load is over), refuses whoever waits and stops reading after the batch under way', async () => {
    const read = new ControlledRead();
    const lookup = new KeyOrderedLookup(read, (r: Row) => r.KUNNR, (r: Row) => r.ZTERM);
    read.give(rows('0001'));
    await tick();
    const waiting = lookup.readThrough('0005');
    lookup.close();
    expect(await settled(waiting)).to.equal('rejected: the read was stopped before it got there');
    expect(await settled(lookup.readThrough('0001')), 'what it has is still there').to.equal('resolved');
    read.give(rows('0002'));
    await tick();
    expect(read.returned, 'the source was let go').to.equal(true);
  });

  it('stays at most aheadRows rows past the furthest key asked for, and reads on as readers move', async () => {
    const read = new ControlledRead();
    const lookup = new KeyOrderedLookup(read, (r: Row) => r.KUNNR, (r: Row) => r.ZTERM, 4);
    read.give(rows('0001', '0002'));
    read.give(rows('0003', '0004'));
    read.give(rows('0005', '0006'));
    await tick();
    await tick();
    expect([lookup.get('0004'), lookup.get('0005')], 'two batches (4 rows) ahead of nobody: it waits').to.deep.equal(['T4', undefined]);
    expect(await settled(lookup.readThrough('0002'))).to.equal('resolved');
    await tick();
    expect(lookup.get('0005'), 'the first batch is behind the reader now: room for one more').to.equal('T5');
    const beyond = lookup.readThrough('0008');
    read.give(rows('0007', '0008'));
    expect(await settled(beyond), 'a reader past everything read lets it go on').to.equal('resolved');
  });

  it('closed while it waits for room, lets the source go', async () => {
    const read = new ControlledRead();
    const lookup = new KeyOrderedLookup(read, (r: Row) => r.KUNNR, (r: Row) => r.ZTERM, 2);
    read.give(rows('0001', '0002'));
    await tick();
    lookup.close();
    await tick();
    expect(read.returned).to.equal(true);
  });

  it('forgets the values at or below a key, and keeps the ones after it', async () => {
    const read = new ControlledRead();
    const lookup = new KeyOrderedLookup(read, (r: Row) => r.KUNNR, (r: Row) => r.ZTERM);
    read.give(rows('0001', '0002', '0003'));
    await tick();
    lookup.forgetThrough('0002');
    expect([lookup.get('0001'), lookup.get('0002'), lookup.get('0003')]).to.deep.equal([undefined, undefined, 'T3']);
  });
});
