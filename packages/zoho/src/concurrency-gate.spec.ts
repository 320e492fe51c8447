import { expect } from 'chai';
import { GateCounters, GateQueue } from './concurrency-gate.js';

describe('GateQueue', () => {
  function gate(concurrency: number, complexConcurrency: number): { queue: GateQueue; started: string[]; enter(name: string, complex: boolean): void } {
    const counters = new GateCounters();
    counters.setLimits({ concurrency, complexConcurrency });
    const queue = new GateQueue(counters);
    const started: string[] = [];
    return { queue, started, enter: (name, complex) => queue.enter(complex, () => started.push(name)) };
  }

  it('starts at most the limit, and the next waiting call when one leaves', () => {
    const g = gate(2, 2);
    ['a', 'b', 'c'].forEach((name) => g.enter(name, false));
    expect(g.started).to.deep.equal(['a', 'b']);
    expect(g.queue.counters.inFlight).to.equal(2);
    g.queue.leave(false);
    expect(g.started).to.deep.equal(['a', 'b', 'c']);
    expect(g.queue.waiting).to.equal(0);
  });

  it('runs complex calls in their smaller pool, without holding simple ones back', () => {
    const g = gate(3, 1);
    g.enter('complex 1', true);
    g.enter('complex 2', true);
    g.enter('simple', false);
    expect(g.started).to.deep.equal(['complex 1', 'simple']);
    expect(g.queue.counters.complexInFlight).to.equal(1);
    g.queue.leave(true);
    expect(g.started).to.deep.equal(['complex 1', 'simple', 'complex 2']);
    expect(g.queue.counters.inFlight).to.equal(2);
  });

  it('starts waiting calls when the limits are raised and it is pumped', () => {
    const g = gate(1, 1);
    ['a', 'b', 'c'].forEach((name) => g.enter(name, false));
    g.queue.counters.setLimits({ concurrency: 3, complexConcurrency: 1 });
    expect(g.started).to.deep.equal(['a']);
    g.queue.pump();
    expect(g.started).to.deep.equal(['a', 'b', 'c']);
  });

  it('shows its counts to another view of the same shared memory', () => {
    const g = gate(4, 2);
    g.enter('a', true);
    g.enter('b', false);
    const other = new GateCounters(g.queue.counters.shared);
    expect([other.limitAll, other.limitComplex, other.inFlight, other.complexInFlight]).to.deep.equal([4, 2, 2, 1]);
    other.clearInFlight();
    expect(g.queue.counters.inFlight).to.equal(0);
  });
});
