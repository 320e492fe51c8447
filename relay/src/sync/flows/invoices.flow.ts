import { Injectable } from '@nestjs/common';
import type { ZohoRecord } from '@mlc/zoho';
import type { AttemptContext, AttemptDone, FlowRun } from '../flow-run.js';
import type { FlowRunner } from '../flow-runner.js';
import { RecordRejected } from '../record-failure.js';
import { ZohoInboxRepository } from '../zoho-inbox.repository.js';
import { invoiceDocumentParams } from './invoice.mapping.js';
import { lookupOf } from './purchase-order.mapping.js';
import { quote, zohoShortKey } from './sap-values.js';
import { newRecordsFrom, takesRecord } from './new-records.js';
import { ZohoPoller } from './zoho-poller.js';

type Run = FlowRun<'zoho-invoices-to-sap-gl'>;

const MODULE = 'Invoices';
const BATCH = 200;

/**
 * Zoho invoices -> SAP G/L (BAPI_ACC_DOCUMENT_POST + commit), the document number written back.
 * Exactly once like purchase orders: BKPF is read for the invoice's short key in XBLNR before every try.
 */
@Injectable()
export class InvoicesFlow implements FlowRunner<'zoho-invoices-to-sap-gl'> {
  readonly key = 'zoho-invoices-to-sap-gl' as const;

  constructor(
    private readonly inbox: ZohoInboxRepository,
    private readonly poller: ZohoPoller,
  ) {}

  async run(run: Run): Promise<void> {
    const from = await newRecordsFrom(run);
    await this.poller.poll(run, MODULE, from);
    const seen: string[] = [];
    for (;;) {
      const batch = await this.inbox.unfinished(run.tenantId, MODULE, 'invoice', BATCH, seen);
      if (batch.length === 0 || run.signal.aborted) return;
      seen.push(...batch.map((r) => r.id));
      const wanted = batch.filter((r) => takesRecord(r.data, run.config.statuses, from));
      await this.inbox.passOver(run.tenantId, MODULE, 'invoice', batch.filter((r) => !wanted.includes(r)));
      const links = await run.records.ensureLinks(run.tenantId, 'invoice', run.flowKey, 'zoho', wanted.map((r) => r.id));
      for (const [i, record] of wanted.entries()) {
        const link = links[i];
        if (!link || run.signal.aborted) continue;
        await run.attempt(link, record.data, (attempt) => this.post(run, link.id, record.data, attempt));
      }
    }
  }

  private async post(run: Run, linkId: string, invoice: ZohoRecord, attempt: AttemptContext): Promise<AttemptDone> {
    const zohoId = String(invoice.id);
    const reference = zohoShortKey(zohoId);
    let document = await this.findInSap(run, reference);
    if (!document) {
      const params = invoiceDocumentParams(invoice, await this.partnerOf(run, invoice), run.config, new Date().toISOString().slice(0, 10));
      attempt.report.payload = params;
      await run.records.markWriting(run.tenantId, linkId, attempt.correlationId);
      const result = await run.sap.transaction([{ functionModule: 'BAPI_ACC_DOCUMENT_POST', params }], attempt.correlationId);
      const objKey = String(result.calls[0]?.exports['OBJ_KEY'] ?? '');
      attempt.report.response = { OBJ_KEY: objKey, RETURN: result.calls[0]?.returnRows ?? [] };
      // OBJ_KEY is BELNR (10) + BUKRS (4) + GJAHR (4).
      document = objKey.slice(0, 10);
      if (!/^\d{10}$/.test(document)) throw new RecordRejected(`BAPI_ACC_DOCUMENT_POST answered without a document number (OBJ_KEY "${objKey}")`);
    } else {
      attempt.report.response = { found: document, by: `BKPF-XBLNR = ${reference}` };
    }
    await run.records.setKeys(run.tenantId, linkId, { sapKey: document });
    const field = run.config.writeBackField;
    if (invoice[field] !== document) {
      const { records } = await run.zoho();
      attempt.report.request = { module: MODULE, id: zohoId, [field]: document };
      const [result] = await records.update(MODULE, [{ id: zohoId, [field]: document }]);
      if (result && !result.ok) throw new RecordRejected(`writing the SAP document number back to Zoho failed: ${result.code} ${result.message}`, result.details);
    }
    return { outcome: 'succeeded', sapKey: document, zohoId };
  }

  private async findInSap(run: Run, reference: string): Promise<string | undefined> {
    const rows = await run.sap.readAll({ table: 'BKPF', keyFields: ['BUKRS', 'BELNR', 'GJAHR'], fields: ['BUKRS', 'BELNR', 'GJAHR', 'XBLNR'], where: `BUKRS = ${quote(run.config.companyCode)} AND XBLNR = ${quote(reference)}` });
    const hit = rows.find((row) => String(row['XBLNR']).trim() === reference);
    return hit ? String(hit['BELNR']).trim() : undefined;
  }

  private async partnerOf(run: Run, invoice: ZohoRecord): Promise<string> {
    const config = run.config;
    const lookup = lookupOf(config.partner === 'customer' ? invoice['Account_Name'] : invoice[config.vendorLookupField]);
    const entity = config.partner === 'customer' ? 'customer' : 'vendor';
    if (!lookup) throw new RecordRejected(`the Zoho invoice names no ${entity === 'customer' ? 'account' : 'vendor'}`);
    const link = await run.records.findByZoho(run.tenantId, entity, lookup.id);
    if (!link?.sapKey) {
      throw new RecordRejected(`${entity} "${lookup.name ?? lookup.id}" (Zoho ${lookup.id}) is not linked to an SAP ${entity}: sync it first, then replay this invoice`);
    }
    return link.sapKey;
  }
}
