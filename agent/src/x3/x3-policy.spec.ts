import { TunnelError } from '@mlc/tunnel';
import { expect } from 'chai';
import { pino } from 'pino';
import { X3PolicyGuard } from './x3-policy.js';

const log = pino({ level: 'silent' });
const guard = new X3PolicyGuard({
  'X3-PROD': {
    http: ['GET /api1/x3/erp/SEED/BPCUSTOMER*', 'GET /api1/x3/erp/SEED/SORDER'],
    graphql: ['query:x3BusinessPartners.customer', 'mutation:x3Sales.salesOrder.create'],
  },
});

function denial(run: () => unknown): TunnelError {
  try {
    run();
  } catch (error) {
    return error as TunnelError;
  }
  throw new Error('not denied');
}

describe('X3PolicyGuard', () => {
  it('allows listed paths (exact or prefix) by method, whatever the query', () => {
    expect(guard.assertHttp(log, 'X3-PROD', 'GET', "/api1/x3/erp/SEED/BPCUSTOMER('C1')?representation=BPCUSTOMER.$details")).to.equal("/api1/x3/erp/SEED/BPCUSTOMER('C1')");
    expect(guard.assertHttp(log, 'X3-PROD', 'GET', '/api1/x3/erp/SEED/SORDER?count=5')).to.equal('/api1/x3/erp/SEED/SORDER');
  });

  it('denies by default and names the rule: other methods, paths, profiles, encoded escapes, raw GraphQL', () => {
    expect(denial(() => guard.assertHttp(log, 'X3-PROD', 'DELETE', '/api1/x3/erp/SEED/BPCUSTOMER')).detail).to.include({ rule: 'policy.x3.X3-PROD.http', method: 'DELETE' });
    expect(denial(() => guard.assertHttp(log, 'X3-PROD', 'GET', '/api1/x3/erp/SEED/SORDERX')).code).to.equal('POLICY_DENIED');
    expect(denial(() => guard.assertHttp(log, 'OTHER', 'GET', '/api1/x3/erp/SEED/SORDER')).detail).to.include({ rule: 'policy.x3.OTHER.http' });
    expect(denial(() => guard.assertHttp(log, 'X3-PROD', 'GET', '/api1/x3/erp/SEED/BPCUSTOMER/%2e%2e/AUSRCHK')).code).to.equal('INVALID_ARGUMENT');
    expect(denial(() => guard.assertHttp(log, 'X3-PROD', 'POST', '/xtrem/api')).detail).to.include({ rule: 'graphql-only-via-x3_graphql' });
  });

  it('allows GraphQL operations by name under sage, and denies any other operation in the document', () => {
    guard.assertGraphql(log, 'X3-PROD', '{ sage { x3BusinessPartners { customer(first: 5) { edges { node { code } } } } } }', '');
    guard.assertGraphql(log, 'X3-PROD', 'mutation { sage { x3Sales { salesOrder { create(data: {}) { id } } } } }', '');
    const update = denial(() => guard.assertGraphql(log, 'X3-PROD', 'mutation { sage { x3BusinessPartners { customer { update(code: "C1", data: {}) { code } } } } }', ''));
    expect(update.detail).to.include({ rule: 'policy.x3.X3-PROD.graphql', operation: 'mutation:x3BusinessPartners.customer.update' });
    const mixed = denial(() => guard.assertGraphql(log, 'X3-PROD', '{ sage { x3BusinessPartners { customer { totalCount } } x3Finance { journal { totalCount } } } }', ''));
    expect(mixed.detail).to.include({ operation: 'query:x3Finance.journal' });
    expect(denial(() => guard.assertGraphql(log, 'X3-PROD', '{ sage { ...F } } fragment F on SageQuery { x3Finance { journal { totalCount } } }', '')).code).to.equal('INVALID_ARGUMENT');
    expect(denial(() => guard.assertGraphql(log, 'X3-PROD', '{ __schema { types { name } } }', '')).detail).to.include({ operation: 'query:__schema' });
  });
});
