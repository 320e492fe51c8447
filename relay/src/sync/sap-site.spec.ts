import { expect } from 'chai';
import { TunnelError } from '@mlc/tunnel';
import type { SapCommands } from '../sap/sap-commands.service.js';
import type { AgentChannel } from '../tunnel/agent-channel.service.js';
import { classifyFailure, RecordRejected } from './record-failure.js';
import { SapSite } from './sap-site.js';

/** An SAP site whose every writing LUW fails with this BAPI RETURN, as the agent reports it. */
function siteRefusingWith(rows: Array<Record<string, string>>): SapSite {
  const refusal = new TunnelError('BUSINESS_ERROR', 'BAPI_PO_CREATE1 failed, rolled back', { detail: { function_module: 'BAPI_PO_CREATE1', return: JSON.stringify(rows), rolled_back: 'true' } });
  const commands = { rfcTransaction: () => Promise.reject(refusal) } as unknown as SapCommands;
  return new SapSite(commands, {} as AgentChannel, { tenantId: 't', site: 'default', profile: 'PRD' });
}

async function failureOf(site: SapSite): Promise<unknown> {
  try {
    await site.transaction([{ functionModule: 'BAPI_PO_CREATE1', params: {} }], 'c');
  } catch (err) {
    return err;
  }
  throw new Error('the transaction did not fail');
}

describe('SapSite.transaction: what a refused LUW means for the record', () => {
  it('makes a business error the record\'s fault, with SAP\'s RETURN rows', async () => {
    const err = await failureOf(siteRefusingWith([{ TYPE: 'E', ID: '06', NUMBER: '042', MESSAGE: 'Vendor 0000399999 does not exist' }]));
    expect(err).to.be.instanceOf(RecordRejected);
    expect(classifyFailure(err).outcome).to.equal('dead');
    expect((err as RecordRejected).detail['return']).to.deep.equal([{ TYPE: 'E', ID: '06', NUMBER: '042', MESSAGE: 'Vendor 0000399999 does not exist' }]);
  });

  it('keeps an object locked by another session (ME 006) a retry, not a dead letter', async () => {
    const err = await failureOf(siteRefusingWith([
      { TYPE: 'E', ID: 'BAPI', NUMBER: '001', MESSAGE: 'No instance of object type PurchaseOrder has been created. External reference:' },
      { TYPE: 'E', ID: 'ME', NUMBER: '006', MESSAGE: 'User MLC_RFC already processing vendor 0000300012' },
    ]));
    expect(err).to.not.be.instanceOf(RecordRejected);
    expect(classifyFailure(err).outcome).to.equal('retry');
  });
});
