import { expect } from 'chai';
import { CoqlSyntaxError, parseCoql } from './coql.parser.js';
import { CriteriaError, matchesCriteria, parseCriteria } from './search-criteria.js';

describe('parseCoql', () => {
  it('parses fields, module, where with and/or/in/like/is null, order by, limit and offset', () => {
    const query = parseCoql("SELECT Account_Name, Vendor_Name.id FROM Accounts WHERE (Billing_City = 'O''Hare' or Billing_City in ('a', 'b')) and Phone is not null and Account_Name like 'Ac%' ORDER BY Modified_Time desc LIMIT 10 OFFSET 20");
    expect(query.fields).to.deep.equal(['Account_Name', 'Vendor_Name.id']);
    expect(query.module).to.equal('Accounts');
    expect(query.orderBy).to.deep.equal([{ field: 'Modified_Time', desc: true }]);
    expect([query.limit, query.offset]).to.deep.equal([10, 20]);
    expect(query.where?.kind).to.equal('and');
  });

  it('accepts LIMIT offset, count and defaults LIMIT to 200', () => {
    expect(parseCoql('select Account_Name from Accounts limit 5, 10')).to.include({ offset: 5, limit: 10 });
    expect(parseCoql('select Account_Name from Accounts')).to.include({ limit: 200, offset: 0 });
  });

  it('reports where the syntax breaks', () => {
    expect(() => parseCoql('select from Accounts')).to.throw(CoqlSyntaxError).with.property('near', 'Accounts');
    expect(() => parseCoql("select A from B where C = 'x' garbage")).to.throw(CoqlSyntaxError);
  });
});

describe('parseCriteria', () => {
  it('parses nested groups and escaped values and matches records', () => {
    const criteria = parseCriteria('((Account_Name:equals:Acme\\, Inc)and((Billing_City:starts_with:par)or(Employees:greater_than:10)))');
    expect(matchesCriteria({ Account_Name: 'acme, inc', Billing_City: 'Paris' }, criteria)).to.equal(true);
    expect(matchesCriteria({ Account_Name: 'Acme, Inc', Billing_City: 'Rome', Employees: 11 }, criteria)).to.equal(true);
    expect(matchesCriteria({ Account_Name: 'Acme, Inc', Billing_City: 'Rome', Employees: 9 }, criteria)).to.equal(false);
  });

  it('rejects unknown operators and unbalanced brackets', () => {
    expect(() => parseCriteria('(A:like:x)')).to.throw(CriteriaError);
    expect(() => parseCriteria('((A:equals:x)')).to.throw(CriteriaError);
  });
});
