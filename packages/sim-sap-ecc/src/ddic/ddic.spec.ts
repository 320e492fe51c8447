import { expect } from 'chai';
import { coerce, renderFixed, type FieldDef } from './ddic.js';

const field = (type: FieldDef['type'], length: number, decimals = 0): FieldDef => ({ name: 'F', type, length, decimals, text: '', key: false });

describe('DDIC value handling', () => {
  it('cuts CHAR values to their length and pads NUMC with leading zeros', () => {
    expect(coerce(field('C', 12), '3f2a9c1e-77b0-4c1d')).to.equal('3f2a9c1e-77b');
    expect(coerce(field('N', 5), '10')).to.equal('00010');
    expect(coerce(field('P', 15, 2), '1234.5')).to.equal('1234.50');
  });

  it('renders packed numbers right-aligned with a trailing sign, and marks an overflow with *', () => {
    expect(renderFixed(field('P', 10, 2), '-42.5')).to.equal('    42.50-');
    expect(renderFixed(field('P', 10, 2), '42.5')).to.equal('    42.50 ');
    expect(renderFixed(field('P', 9, 5), '-1236.38600')).to.equal('*6.38600-');
    expect(renderFixed(field('C', 5), 'AB')).to.equal('AB   ');
  });
});
