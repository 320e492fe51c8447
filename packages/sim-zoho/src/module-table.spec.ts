import { expect } from 'chai';
import { ModuleTable, type StoredRecord } from './module-table.js';

describe('ModuleTable value index', () => {
  const table = (): ModuleTable =>
    new ModuleTable({ apiName: 'Leads', id: '1', nameField: 'Last_Name', minEdition: 'free', defaultDuplicateCheck: ['Email'], fields: [{ apiName: 'Email', type: 'email' }] });
  const record = (id: string, email: string): StoredRecord => ({ id, values: { id, Email: email }, createdMs: 0, modifiedMs: 0 });

  it('finds the oldest record with a value, case-insensitively, and the next one past an exception', () => {
    const leads = table();
    leads.put(record('1', 'a@x.test'));
    leads.put(record('2', 'b@x.test'));
    leads.put(record('3', 'A@x.test'));
    expect(leads.findBy('Email', 'a@X.test')).to.equal('1');
    expect(leads.findBy('Email', 'a@x.test', '1')).to.equal('3');
    expect(leads.findBy('Email', 'b@x.test', '2')).to.equal(undefined);
    expect(leads.findBy('Email', 'c@x.test')).to.equal(undefined);
  });

  it('follows removals and changed values', () => {
    const leads = table();
    leads.put(record('1', 'a@x.test'));
    leads.put(record('2', 'a@x.test'));
    expect(leads.findBy('Email', 'a@x.test')).to.equal('1');
    leads.remove('1');
    expect(leads.findBy('Email', 'a@x.test')).to.equal('2');
    const previous = record('2', 'a@x.test').values;
    leads.put(record('2', 'b@x.test'), previous);
    expect(leads.findBy('Email', 'a@x.test')).to.equal(undefined);
    expect(leads.findBy('Email', 'b@x.test')).to.equal('2');
    leads.remove('2');
    expect(leads.findBy('Email', 'b@x.test')).to.equal(undefined);
  });
});
