import { TunnelError } from '@mlc/tunnel';
import { expect } from 'chai';
import { pino } from 'pino';
import { SapPolicy } from './sap-policy.js';

function denial(run: () => unknown): TunnelError {
  try {
    run();
  } catch (err) {
    if (err instanceof TunnelError) return err;
    throw err;
  }
  throw new Error('expected a policy denial');
}

describe('SapPolicy', () => {
  const log = pino({ level: 'silent' });
  const policy = new SapPolicy({ functionModules: ['BAPI_PO_*', 'STFC_CONNECTION', 'RFC_*'], tables: { KNA1: { maxRows: 1000 } } });

  it('allows exact names and prefixes, and nothing else', () => {
    expect(() => policy.assertFunctionModule(log, 'PRD', 'BAPI_PO_CREATE1')).not.to.throw();
    expect(() => policy.assertFunctionModule(log, 'PRD', 'STFC_CONNECTION')).not.to.throw();
    const denied = denial(() => policy.assertFunctionModule(log, 'PRD', 'STFC_CONNECTION_BACK'));
    expect(denied.code).to.equal('POLICY_DENIED');
    expect(denied.detail).to.deep.equal({ rule: 'policy.functionModules', function_module: 'STFC_CONNECTION_BACK', profile: 'PRD' });
  });

  it('never lets a generic table reader through rfc_call, even when a prefix would match it', () => {
    expect(denial(() => policy.assertFunctionModule(log, 'PRD', 'RFC_READ_TABLE')).detail['rule']).to.equal('table-readers-only-via-rfc_read_table');
  });

  it('reads only listed tables, up to their row cap', () => {
    expect(policy.tableRowCap(log, 'PRD', 'KNA1', 0)).to.equal(1000);
    expect(policy.tableRowCap(log, 'PRD', 'KNA1', 1000)).to.equal(1000);
    expect(denial(() => policy.tableRowCap(log, 'PRD', 'USR02', 0)).detail).to.include({ rule: 'policy.tables', table: 'USR02' });
    expect(denial(() => policy.tableRowCap(log, 'PRD', 'KNA1', 1001)).detail).to.include({ rule: 'policy.tables.KNA1.maxRows' });
    expect(denial(() => policy.tableRowCap(log, 'PRD', 'constructor', 0)).detail).to.include({ rule: 'policy.tables' });
  });
});
