import { expect } from 'chai';
import type { FlowRun } from '../flow-run.js';
import type { FlowKey } from '../flow-keys.js';
import { madeSince, newRecordsFrom } from './new-records.js';

/** The parts of a run newRecordsFrom uses: its config, its state and checkpoint. */
function runWith(config: Record<string, unknown>, state: Record<string, unknown> = {}): FlowRun<FlowKey> & { saved: Array<Record<string, unknown>> } {
  const saved: Array<Record<string, unknown>> = [];
  return {
    config, state, saved,
    checkpoint: async (change: Record<string, unknown>) => {
      Object.assign(state, change);
      saved.push(change);
    },
  } as unknown as FlowRun<FlowKey> & { saved: Array<Record<string, unknown>> };
}

describe('new records only: what a flow fed by Zoho takes on its first run', () => {
  it('takes records made from its first run on (5 minutes of clock tolerance), and keeps that time', async () => {
    const run = runWith({ existingRecords: 'skip' });
    const before = Date.now();
    const from = await newRecordsFrom(run);
    expect(from).to.be.within(before - 5 * 60_000 - 1_000, before - 5 * 60_000 + 1_000);
    expect(run.saved).to.deep.equal([{ newRecordsFrom: from }]);
    expect(await newRecordsFrom(run)).to.equal(from);
    expect(run.saved).to.have.length(1);

    const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');
    expect(madeSince({ id: '1', Created_Time: iso((from as number) - 60_000) }, from)).to.equal(false);
    expect(madeSince({ id: '2', Created_Time: iso((from as number) + 60_000) }, from)).to.equal(true);
    expect(madeSince({ id: '3' }, from), 'no Created_Time').to.equal(true);
  });

  it('takes every record when the config says existingRecords: "import"', async () => {
    const run = runWith({ existingRecords: 'import' });
    expect(await newRecordsFrom(run)).to.equal(undefined);
    expect(madeSince({ id: '1', Created_Time: '2019-01-01T00:00:00+00:00' }, undefined)).to.equal(true);
    expect(run.saved).to.deep.equal([]);
  });
});
