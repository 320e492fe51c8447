import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import type { ZohoRecord } from '@mlc/zoho';
import type { FlowRun } from '../flow-run.js';
import type { FlowRunner } from '../flow-runner.js';
import { RecordRejected } from '../record-failure.js';
import { ZohoInboxRepository } from '../zoho-inbox.repository.js';
import { lookupOf, purchaseOrderParams } from './purchase-order.mapping.js';
import { quote, zohoShortKey } from './sap-values.js';
import { newRecordsFrom, takesRecord } from './new-records.js';
import { ZohoPoller } from './zoho-poller.js';

type Run = FlowRun<'zoho-purchase-orders-to-sap'>;

const MODULE = 'Purchase_Orders';
const BATCH = 200;
/** POs in flight at once: within the agent's RFC pool, so a burst does not queue behind one PO. */
const CONCURRENCY = 4;
/** While POs are in flight and the inbox is empty, how often it is read again for new arrivals. */
const INBOX_RECHECK_MS = 25;

/**
 * Zoho purchase orders -> SAP (BAPI_PO_CREATE1 + BAPI_TRANSACTION_COMMIT on one connection), then the
 * PO number written back to Zoho. Exactly once: before every try EKKO is read for the PO's short key
 * in IHREZ; a PO an earlier try committed (its answer lost to a crash) is found, not created again.
 */
@Injectable()
export class PurchaseOrdersFlow implements FlowRunner<'zoho-purchase-orders-to-sap'> {
  readonly key = 'zoho-purchase-orders-to-sap' as const;

  constructor(
    private readonly inbox: ZohoInboxRepository,
    private readonly poller: ZohoPoller,
  ) {}

  /**
   * A pipeline, not batches: a PO that arrives while others are being posted is taken as soon as a
   * slot frees up, instead of waiting for the slowest PO of the batch before it (POs come one by one
   * from webhooks; waiting per batch made each one queue behind the batch in front of it).
   */
  async run(run: Run): Promise<void> {
    const from = await newRecordsFrom(run);
    await this.poller.poll(run, MODULE, from);
    const seen = new Set<string>();
    const inFlight = new Set<Promise<void>>();
    // Only the journal itself failing (the database gone) lands here: the run fails, as it did per batch.
    let failed: { error: unknown } | undefined;
    while (!run.signal.aborted && !failed) {
      const batch = await this.inbox.unfinished(run.tenantId, MODULE, 'purchase_order', BATCH, [...seen]);
      if (batch.length === 0) {
        if (inFlight.size === 0) break;
        // Look again soon, not only when a PO finishes: one that just came in should not wait for that.
        await Promise.race([...inFlight, sleep(INBOX_RECHECK_MS)]);
        continue;
      }
      for (const r of batch) seen.add(r.id);
      const wanted = batch.filter((r) => takesRecord(r.data, run.config.statuses, from));
      await this.inbox.passOver(run.tenantId, MODULE, 'purchase_order', batch.filter((r) => !wanted.includes(r)));
      const links = await run.records.ensureLinks(run.tenantId, 'purchase_order', run.flowKey, 'zoho', wanted.map((r) => r.id));
      for (const [i, record] of wanted.entries()) {
        const link = links[i];
        if (!link || run.signal.aborted) continue;
        while (inFlight.size >= CONCURRENCY) await Promise.race(inFlight);
        const work: Promise<void> = run.attempt(link, record.data, (attempt) => this.post(run, link.id, record.data, attempt))
          .then(() => undefined, (error: unknown) => void (failed ??= { error }))
          .finally(() => inFlight.delete(work));
        inFlight.add(work);
      }
    }
    await Promise.all(inFlight);
    if (failed) throw failed.error;
  }

  private async post(run: Run, linkId: string, po: ZohoRecord, attempt: { correlationId: string; report: { payload?: unknown; request?: unknown; response?: unknown } }): Promise<{ outcome: 'succeeded'; sapKey: string; zohoId: string }> {
    const zohoId = String(po.id);
    const reference = zohoShortKey(zohoId);
    let ebeln = await this.findInSap(run, reference);
    if (!ebeln) {
      const lifnr = await this.vendorOf(run, po);
      const params = purchaseOrderParams(po, lifnr, run.config, new Date().toISOString().slice(0, 10));
      attempt.report.payload = params;
      await run.records.markWriting(run.tenantId, linkId, attempt.correlationId);
      const result = await run.sap.transaction([{ functionModule: 'BAPI_PO_CREATE1', params }], attempt.correlationId);
      const created = result.calls[0];
      ebeln = String(created?.exports['EXPPURCHASEORDER'] ?? '').trim();
      attempt.report.response = { EXPPURCHASEORDER: ebeln, RETURN: created?.returnRows ?? [], commit: result.commitReturn };
      if (!ebeln) throw new RecordRejected('BAPI_PO_CREATE1 answered without a purchase order number', { return: created?.returnRows });
    } else {
      attempt.report.response = { found: ebeln, by: `EKKO-IHREZ = ${reference}` };
    }
    // The SAP side is done: kept at once, so a failed write-back never re-posts the PO.
    await run.records.setKeys(run.tenantId, linkId, { sapKey: ebeln });
    const field = run.config.writeBackField;
    if (po[field] !== ebeln) {
      const { records } = await run.zoho();
      attempt.report.request = { module: MODULE, id: zohoId, [field]: ebeln };
      const [result] = await records.update(MODULE, [{ id: zohoId, [field]: ebeln }]);
      if (result && !result.ok) throw new RecordRejected(`writing the SAP PO number ${ebeln} back to Zoho failed: ${result.code} ${result.message}`, result.details);
    }
    return { outcome: 'succeeded', sapKey: ebeln, zohoId };
  }

  private async findInSap(run: Run, reference: string): Promise<string | undefined> {
    const rows = await run.sap.readAll({ table: 'EKKO', keyFields: ['EBELN'], fields: ['EBELN', 'IHREZ'], where: `IHREZ = ${quote(reference)}`, maxRows: 0 });
    const hit = rows.find((row) => String(row['IHREZ']).trim() === reference);
    return hit ? String(hit['EBELN']).trim() : undefined;
  }

  private async vendorOf(run: Run, po: ZohoRecord): Promise<string> {
    const vendor = lookupOf(po['Vendor_Name']);
    if (!vendor) throw new RecordRejected('the Zoho purchase order names no vendor');
    const link = await run.records.findByZoho(run.tenantId, 'vendor', vendor.id);
    if (!link?.sapKey) {
      throw new RecordRejected(`vendor "${vendor.name ?? vendor.id}" (Zoho ${vendor.id}) is not linked to an SAP vendor yet: sync vendors (or create it in SAP), then replay this PO`, { vendor: vendor.id });
    }
    return link.sapKey;
  }
}
