import { expect } from 'chai';
import { OrderedProgress } from './ordered-progress.js';

describe('OrderedProgress (how far an ordered load is done)', () => {
  it('moves only past batches with every earlier batch finished', () => {
    const progress = new OrderedProgress();
    const [a, b, c] = [progress.begin('0000000100'), progress.begin('0000000200'), progress.begin('0000000300')];
    progress.finish(b as number);
    expect(progress.through).to.equal(undefined);
    progress.finish(c as number);
    expect(progress.through).to.equal(undefined);
    progress.finish(a as number);
    expect(progress.through).to.equal('0000000300');
  });

  it('starts from where a resumed load was, and stays there until the first new batch finishes', () => {
    const progress = new OrderedProgress('0000000300');
    const d = progress.begin('0000000400');
    expect(progress.through).to.equal('0000000300');
    progress.finish(d);
    expect(progress.through).to.equal('0000000400');
  });
});
