import { expect } from 'chai';
import { backoffDelay } from './backoff.js';

describe('backoffDelay', () => {
  it('grows exponentially until the cap', () => {
    const top = (attempt: number): number => backoffDelay(attempt, 500, 30_000, () => 0.999999);
    expect(top(1)).to.equal(499);
    expect(top(2)).to.equal(999);
    expect(top(4)).to.equal(3999);
    expect(top(10)).to.equal(29_999);
    expect(top(1000)).to.equal(29_999);
  });

  it('draws the whole range from zero (full jitter)', () => {
    expect(backoffDelay(5, 500, 30_000, () => 0)).to.equal(0);
    expect(backoffDelay(5, 500, 30_000, () => 0.5)).to.equal(4000);
  });
});
