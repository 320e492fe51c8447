import { expect } from 'chai';
import { EccDatabase } from './ecc-database.js';

describe('EccDatabase seeding', () => {
  it('generates the same master data from the same seed and different data from another', () => {
    const a = new EccDatabase({ seed: 7, client: '100', customers: 100, vendors: 10 });
    const b = new EccDatabase({ seed: 7, client: '100', customers: 100, vendors: 10 });
    const c = new EccDatabase({ seed: 8, client: '100', customers: 100, vendors: 10 });
    const names = (db: EccDatabase): string[] => [...db.mustTable('KNA1').scan()].map((r) => r.NAME1);
    expect(names(a)).to.deep.equal(names(b));
    expect(names(a)).to.not.deep.equal(names(c));
  });

  it('holds a million customers without materialising them', () => {
    const before = process.memoryUsage().heapUsed;
    const db = new EccDatabase({ seed: 1, client: '100', customers: 1_000_000, vendors: 10 });
    expect(db.get('KNA1', { KUNNR: '0001099999' })?.KUNNR).to.equal('0001099999');
    expect(db.get('KNA1', { KUNNR: '0001100000' })).to.equal(undefined);
    expect(db.get('KNKK', { KUNNR: '0000500000', KKBER: '1000' })?.KLIMK).to.match(/^\d+\.00$/);
    expect(process.memoryUsage().heapUsed - before).to.be.lessThan(50 * 1024 * 1024);
  });

  it('seeks a key range in a seeded table, including rows added after seeding', () => {
    const db = new EccDatabase({ seed: 1, client: '100', customers: 1000, vendors: 10 });
    const added = db.next('KUNNR');
    db.put('KNA1', { KUNNR: added, NAME1: 'Added', LAND1: 'DE' });
    const keys = (low: string, high: string): string[] => [...db.mustTable('KNA1').scan({ low, high })].map((r) => r.KUNNR);
    expect(keys('0000100997', '0000100999')).to.deep.equal(['0000100997', '0000100998', '0000100999']);
    expect(keys('0000100999', '0000109999')).to.deep.equal(['0000100999', added]);
  });

  it('keeps a changed generated row and hands out numbers above the generated ones', () => {
    const db = new EccDatabase({ seed: 1, client: '100', customers: 10, vendors: 10 });
    db.put('KNA1', { ...db.get('KNA1', { KUNNR: '0000100003' }), NAME1: 'Changed' });
    expect(db.get('KNA1', { KUNNR: '0000100003' })?.NAME1).to.equal('Changed');
    expect([...db.mustTable('KNA1').scan()].filter((r) => r.NAME1 === 'Changed')).to.have.length(1);
    expect(db.next('KUNNR')).to.equal('0000100010');
  });
});
