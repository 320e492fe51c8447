import { expect } from 'chai';
import { mergeVendor, type VendorValues } from './vendor-merge.js';

const vendor = (change: Partial<VendorValues> = {}): VendorValues => ({
  name: 'Acme GmbH', street: 'Hauptstr. 1', city: 'Berlin', postalCode: '10115', country: 'DE', phone: '+49 30 1', vatNumber: 'DE123', ...change,
});

describe('mergeVendor', () => {
  it('carries a field only one side changed to the other side', () => {
    const merge = mergeVendor({ sap: vendor({ city: 'Leipzig' }), zoho: vendor({ phone: '+49 30 2' }), synced: vendor() }, {});
    expect(merge.merged).to.include({ city: 'Leipzig', phone: '+49 30 2' });
    expect(merge.toSap).to.deep.equal({ phone: '+49 30 2' });
    expect(merge.toZoho).to.deep.equal({ city: 'Leipzig' });
    expect(merge.conflicts).to.deep.equal([]);
  });

  it('writes nothing when both sides hold the synced values (our own write coming back)', () => {
    const merge = mergeVendor({ sap: vendor(), zoho: vendor(), synced: vendor() }, {});
    expect(merge.toSap).to.deep.equal({});
    expect(merge.toZoho).to.deep.equal({});
  });

  it('settles a field both sides changed by its owner, else by the later writer', () => {
    const both = { sap: vendor({ name: 'SAP name', city: 'Hamburg' }), zoho: vendor({ name: 'Zoho name', city: 'Munich' }), synced: vendor(), sapChangedAt: 2_000, zohoChangedAt: 1_000 };
    const owned = mergeVendor(both, { name: 'zoho' });
    expect(owned.merged).to.include({ name: 'Zoho name', city: 'Hamburg' });
    expect(owned.conflicts).to.deep.equal([
      { field: 'name', winner: 'zoho', rule: 'config.ownership.name = zoho' },
      { field: 'city', winner: 'sap', rule: 'last writer (SAP)' },
    ]);
    const zohoLater = mergeVendor({ ...both, zohoChangedAt: 3_000 }, {});
    expect(zohoLater.merged).to.include({ name: 'Zoho name', city: 'Munich' });
  });

  it('before a first sync, SAP (the master) wins each difference; a new Zoho vendor goes to SAP whole', () => {
    const first = mergeVendor({ sap: vendor(), zoho: vendor({ city: 'Bonn' }), synced: undefined }, {});
    expect(first.merged.city).to.equal('Berlin');
    expect(first.toZoho).to.deep.equal({ city: 'Berlin' });
    const zohoOnly = mergeVendor({ sap: undefined, zoho: vendor(), synced: undefined }, {});
    expect(zohoOnly.merged).to.deep.equal(vendor());
    expect(zohoOnly.toSap).to.deep.equal({});
  });

  it('treats empty, null and equal numbers written differently as the same value', () => {
    const merge = mergeVendor({ sap: vendor({ phone: null, postalCode: '01067' }), zoho: vendor({ phone: '', postalCode: '01067' }), synced: vendor({ phone: null }) }, {});
    expect(merge.toSap).to.deep.equal({});
    expect(merge.toZoho).to.deep.equal({});
  });
});
