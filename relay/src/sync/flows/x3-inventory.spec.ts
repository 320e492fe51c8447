import { expect } from 'chai';
import { summarize, type Availability } from './x3-inventory.js';

const stock = (entries: Record<string, Record<string, number>>): Availability =>
  new Map(Object.entries(entries).map(([product, sites]) => [product, new Map(Object.entries(sites))]));

describe('inventory availability summary', () => {
  it('lists each product with its total available and the sites that have some, in code order', () => {
    const available = stock({ BMS001: { FR012: 20, FR011: 100, DE011: 0 }, CON001: { FR011: 0 } });
    expect(summarize(['CON001', 'BMS001', 'FIN010'], available)).to.equal('BMS001: 120 available (FR011 100, FR012 20); CON001: none available; FIN010: none available');
  });

  it('is empty when the customer has nothing on order', () => {
    expect(summarize([], stock({ BMS001: { FR011: 5 } }))).to.equal(null);
  });

  it('fits Zoho\'s 255-character text field, saying how many products it left out', () => {
    const products = Array.from({ length: 30 }, (_, i) => `PRODUCT${String(i).padStart(3, '0')}`);
    const available = stock(Object.fromEntries(products.map((p) => [p, { FR011: 1.5, FR012: 1000 }])));
    const text = summarize(products, available) as string;
    expect(text.length).to.be.at.most(255);
    expect(text).to.match(/^PRODUCT000: 1001\.50 available \(FR011 1\.50, FR012 1000\); .*; \+\d+ more$/);
  });
});
