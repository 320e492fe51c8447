import { Injectable } from '@nestjs/common';
import type { ZohoRecord } from '@mlc/zoho';
import type { AttemptContext, AttemptDone, FlowRun } from '../flow-run.js';
import type { FlowRunner } from '../flow-runner.js';
import { forEachConcurrent } from '../concurrency.js';
import { RecordRejected } from '../record-failure.js';
import { X3Sites, type X3Site } from '../x3-site.js';
import { ZohoInboxRepository } from '../zoho-inbox.repository.js';
import { lookupOf } from './purchase-order.mapping.js';
import { collect, CREATE_ORDER, orderPages, x3Quote } from './x3-graphql.js';
import { ZohoPoller } from './zoho-poller.js';

type Run = FlowRun<'zoho-deals-to-x3-sales-orders'>;

const MODULE = 'Deals';
const ENTITY = 'x3_deal_order';
const BATCH = 200;
/** Orders in flight at once, within the agent's X3 slots. */
const CONCURRENCY = 4;

/**
 * Zoho Deals -> Sage X3 sales orders, once a deal reaches the configured stage. Exactly once: the
 * order's CUSORDREF holds the deal's id, and X3 is searched for it before every try, so an order an
 * earlier try saved (its answer lost, or saved "with errors") is found instead of made twice. The
 * order number is then written back to the Deal.
 */
@Injectable()
export class X3DealsFlow implements FlowRunner<'zoho-deals-to-x3-sales-orders'> {
  readonly key = 'zoho-deals-to-x3-sales-orders' as const;

  constructor(
    private readonly sites: X3Sites,
    private readonly inbox: ZohoInboxRepository,
    private readonly poller: ZohoPoller,
  ) {}

  async run(run: Run): Promise<void> {
    await this.poller.poll(run, MODULE);
    await this.sites.use(run, async (x3) => {
      const seen = new Set<string>();
      for (;;) {
        const batch = await this.inbox.unfinished(run.tenantId, MODULE, ENTITY, BATCH, [...seen]);
        if (batch.length === 0 || run.signal.aborted) return;
        for (const r of batch) seen.add(r.id);
        const won = batch.filter((r) => String(r.data['Stage'] ?? '') === run.config.stage);
        await this.inbox.passOver(run.tenantId, MODULE, ENTITY, batch.filter((r) => !won.includes(r)));
        const links = await run.records.ensureLinks(run.tenantId, ENTITY, run.flowKey, 'zoho', won.map((r) => r.id));
        await forEachConcurrent(won.map((record, i) => ({ record, link: links[i] })), CONCURRENCY, async ({ record, link }) => {
          if (!link || run.signal.aborted) return;
          await run.attempt(link, record.data, (attempt) => this.post(run, x3, link.id, record.data, attempt));
        });
      }
    });
  }

  private async post(run: Run, x3: X3Site, linkId: string, deal: ZohoRecord, attempt: AttemptContext): Promise<AttemptDone> {
    const dealId = String(deal.id);
    let order = await this.findInX3(run, x3, dealId);
    if (order) {
      attempt.report.response = { found: order, by: `CUSORDREF = ${dealId}` };
    } else {
      const data = await this.orderData(run, deal);
      attempt.report.payload = data;
      await run.records.markWriting(run.tenantId, linkId, attempt.correlationId);
      const result = await x3.mutate<{ sage: { x3Sales: { salesOrder: { create: { id: string } | null } } } }>(CREATE_ORDER, { data }, attempt.correlationId, false);
      order = result.data.sage.x3Sales.salesOrder.create?.id;
      attempt.report.response = { created: order, diagnoses: result.diagnoses };
      if (!order) throw new RecordRejected('X3 answered without a sales order number');
    }
    // The X3 side is done: kept at once, so a failed write-back never posts the order again.
    await run.records.setKeys(run.tenantId, linkId, { sapKey: order });
    const field = run.config.writeBackField;
    if (deal[field] !== order) {
      const { records } = await run.zoho();
      attempt.report.request = { module: MODULE, id: dealId, [field]: order };
      const [result] = await records.update(MODULE, [{ id: dealId, [field]: order }]);
      if (result && !result.ok) throw new RecordRejected(`writing the X3 order number ${order} back to the Deal failed: ${result.code} ${result.message}`, result.details);
    }
    return { outcome: 'succeeded', sapKey: order, zohoId: dealId };
  }

  private async findInX3(run: Run, x3: X3Site, reference: string): Promise<string | undefined> {
    const orders = await collect(orderPages(x3, 'updateDateTime', `{customerOrderReference:${x3Quote(reference)}}`, null));
    return orders.find((o) => o.customerOrderReference === reference)?.id;
  }

  private async orderData(run: Run, deal: ZohoRecord): Promise<Record<string, unknown>> {
    const config = run.config;
    if (!config.product) throw new RecordRejected('no X3 product for the order line: set config.product of this flow, then replay');
    const account = lookupOf(deal['Account_Name']);
    if (!account) throw new RecordRejected('the Deal names no Account, so X3 has no sold-to customer');
    const link = await run.records.findByZoho(run.tenantId, 'x3_customer', account.id);
    if (!link?.sapKey) {
      throw new RecordRejected(`Account "${account.name ?? account.id}" (Zoho ${account.id}) is not linked to an X3 customer yet: sync customers (or create it in X3), then replay this Deal`, { account: account.id });
    }
    const closing = typeof deal['Closing_Date'] === 'string' ? deal['Closing_Date'] : new Date().toISOString().slice(0, 10);
    return {
      salesSite: config.salesSite, soldToCustomer: link.sapKey, orderDate: closing, orderType: config.orderType, customerOrderReference: String(deal.id),
      ...(config.currency ? { currency: config.currency } : {}),
      lines: [{ product: config.product, quantityInSalesUnitOrdered: 1, grossPrice: Number(deal['Amount'] ?? 0) }],
    };
  }
}
