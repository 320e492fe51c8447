import { expect } from 'chai';
import { mergeX3Customer, type X3CustomerValues } from './x3-customer-merge.js';

const customer = (change: Partial<X3CustomerValues> = {}): X3CustomerValues => ({ name: 'Alpine Foods 1', country: 'FR', currency: 'EUR', ...change });

describe('mergeX3Customer', () => {
  it('carries a field only one side changed to the other side', () => {
    const merge = mergeX3Customer({ x3: customer({ currency: 'GBP' }), zoho: customer({ name: 'Alpine Foods SA' }), synced: customer() }, {});
    expect(merge.merged).to.deep.equal({ name: 'Alpine Foods SA', country: 'FR', currency: 'GBP' });
    expect(merge.toX3).to.deep.equal({ name: 'Alpine Foods SA' });
    expect(merge.toZoho).to.deep.equal({ currency: 'GBP' });
  });

  it('writes nothing when a side only reports back what was synced (our own write: no echo)', () => {
    const merge = mergeX3Customer({ x3: customer(), zoho: customer(), synced: customer() }, {});
    expect(merge.toX3).to.deep.equal({});
    expect(merge.toZoho).to.deep.equal({});
  });

  it('gives a field both sides changed to its owner, else to the later writer', () => {
    const input = { x3: customer({ name: 'From X3' }), zoho: customer({ name: 'From Zoho' }), synced: customer(), x3ChangedAt: 1_000, zohoChangedAt: 2_000 };
    expect(mergeX3Customer(input, { name: 'x3' }).merged.name).to.equal('From X3');
    expect(mergeX3Customer(input, {}).merged.name).to.equal('From Zoho');
    expect(mergeX3Customer(input, {}).conflicts).to.deep.equal([{ field: 'name', winner: 'zoho', rule: 'last writer (Zoho)' }]);
  });

  it('lets X3, the master, win every difference before the first sync; a new Zoho Account goes to X3 whole', () => {
    expect(mergeX3Customer({ x3: customer(), zoho: customer({ country: 'DE' }), synced: undefined }, {}).toZoho).to.deep.equal({ country: 'FR' });
    expect(mergeX3Customer({ x3: undefined, zoho: customer({ name: 'New' }), synced: undefined }, {}).merged).to.include({ name: 'New' });
  });
});
