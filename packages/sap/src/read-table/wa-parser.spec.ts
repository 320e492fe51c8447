import { expect } from 'chai';
import { alphaInput, alphaOutput, convertValue, parseWa } from './wa-parser.js';
import { toOptionLines } from './where-options.js';

describe('RFC_READ_TABLE text conversions', () => {
  it('cuts a line by OFFSET/LENGTH even when the data holds the delimiter', () => {
    const fields = [{ name: 'KUNNR', offset: 0, length: 10, type: 'C' }, { name: 'NAME1', offset: 10, length: 12, type: 'C' }, { name: 'ORT01', offset: 22, length: 8, type: 'C' }];
    expect(parseWa('0000000042A|B Corp    Berlin', fields)).to.deep.equal({ KUNNR: '0000000042', NAME1: 'A|B Corp', ORT01: 'Berlin' });
    expect(parseWa('0000000042', fields)).to.deep.equal({ KUNNR: '0000000042', NAME1: '', ORT01: '' });
  });

  it('reads trailing-minus and overflowed packed numbers', () => {
    expect(convertValue('     1234.50-', 'P', false)).to.equal('-1234.50');
    expect(convertValue('       12.00 ', 'P', false)).to.equal('12.00');
    expect(convertValue('*6.38600-', 'P', false)).to.equal(null);
    expect(convertValue('        42-', 'I', false)).to.equal(-42);
  });

  it('reads YYYYMMDD dates and treats the initial date as none', () => {
    expect(convertValue('20261123', 'D', false)).to.equal('2026-11-23');
    expect(convertValue('00000000', 'D', false)).to.equal(null);
    expect(convertValue('', 'D', false)).to.equal(null);
  });

  it('applies ALPHA both ways to numeric keys only', () => {
    expect(alphaOutput('0000001234')).to.equal('1234');
    expect(alphaOutput('AB00012')).to.equal('AB00012');
    expect(alphaInput('1234', 10)).to.equal('0000001234');
    expect(alphaInput('CPD-1', 10)).to.equal('CPD-1');
    expect(convertValue('0000100000', 'C', true)).to.equal('100000');
    expect(convertValue('0000100000', 'N', false)).to.equal('0000100000');
  });

  it('splits a WHERE clause into lines of at most 72 characters, never inside a literal', () => {
    const where = `NAME1 = 'A long name with   spaces inside it' AND LAND1 IN ('DE','FR','US','GB','IT','ES','NL','BE','AT') AND KUNNR > '0000100000'`;
    const lines = toOptionLines(where).map((l) => l.TEXT);
    expect(lines.length).to.be.greaterThan(1);
    for (const line of lines) expect(line.length).to.be.at.most(72);
    expect(lines.join(' ')).to.equal(where.replace(/ AND /g, ' AND '));
    expect(lines.some((l) => l.includes("'A long name with   spaces inside it'"))).to.equal(true);
  });
});
