import { expect } from 'chai';
import { TunnelError } from '@mlc/tunnel';
import { ZohoNetworkError } from '@mlc/zoho';
import { classifyFailure, RecordRejected } from './record-failure.js';

const bapiError = (rows: Array<Record<string, string>>) =>
  new TunnelError('BUSINESS_ERROR', 'BAPI_PO_CREATE1 failed, rolled back', { detail: { function_module: 'BAPI_PO_CREATE1', return: JSON.stringify(rows), rolled_back: 'true' } });

describe('classifyFailure: who must act on a failed attempt', () => {
  it('sends an SAP business error to the dead letters, with SAP\'s words', () => {
    const failure = classifyFailure(bapiError([{ TYPE: 'E', ID: '06', NUMBER: '042', MESSAGE: 'Vendor 0000399999 does not exist' }]));
    expect(failure.outcome).to.equal('dead');
    expect(failure.reason).to.match(/^SAP refused it: /);
  });

  it('retries an object locked by another session (ME 006, or a lock message by its text)', () => {
    const locked = bapiError([
      { TYPE: 'E', ID: 'BAPI', NUMBER: '001', MESSAGE: 'No instance of object type PurchaseOrder has been created. External reference:' },
      { TYPE: 'E', ID: 'ME', NUMBER: '006', MESSAGE: 'User MLC_RFC already processing vendor 0000300007' },
    ]);
    expect(classifyFailure(locked)).to.include({ outcome: 'retry' });
    expect(classifyFailure(bapiError([{ TYPE: 'E', ID: 'F5', NUMBER: '999', MESSAGE: 'Account 0000100001 is locked by user BATCH' }])).outcome).to.equal('retry');
    expect(classifyFailure(bapiError([{ TYPE: 'E', ID: 'ZMLC_VENDOR', NUMBER: '003', MESSAGE: 'Vendor 0000300007 is currently being processed by user MLC_RFC' }])).outcome).to.equal('retry');
    const withoutRows = new TunnelError('BUSINESS_ERROR', 'BAPI_PO_CREATE1 failed, rolled back: E BAPI 001: No instance; E ME 006: User MLC_RFC already processing vendor 0000300007');
    expect(classifyFailure(withoutRows).outcome, 'known from the message alone').to.equal('retry');
    expect(classifyFailure(bapiError([{ TYPE: 'W', ID: 'ME', NUMBER: '006', MESSAGE: 'User X already processing vendor Y' }])).outcome, 'a warning is not the failure').to.equal('dead');
  });

  it('retries a record whose Zoho call could not reach Zoho (a network failure outliving the client\'s retries)', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:443'), { code: 'ECONNREFUSED' });
    expect(classifyFailure(new ZohoNetworkError(refused))).to.deep.equal({ outcome: 'retry', reason: 'Zoho could not be reached: connect ECONNREFUSED 127.0.0.1:443' });
  });

  it('sends a record the mapping cannot carry to the dead letters', () => {
    expect(classifyFailure(new RecordRejected('the Zoho purchase order names no vendor'))).to.deep.equal({ outcome: 'dead', reason: 'the Zoho purchase order names no vendor' });
  });
});
