import { Injectable } from '@nestjs/common';
import type { ZohoRecord } from '@mlc/zoho';
import { DomainError } from '../../common/domain-error.js';
import { FlowAvailability } from '../flow-availability.js';
import type { FlowRun } from '../flow-run.js';
import type { FlowRunner } from '../flow-runner.js';
import type { AttemptRecord, LinkRow } from '../sync-records.repository.js';
import type { X3SalesOrdersConfig } from '../x3-flow-config.js';
import { X3Sites } from '../x3-site.js';
import { collect, inFilter, latestUpdate, orderPages, x3Quote, type X3OrderNode } from './x3-graphql.js';
import { upsertToZoho, type OutboundRecord } from './zoho-writer.js';

type Run = FlowRun<'x3-sales-orders-to-zoho'>;

const MODULE = 'Sales_Orders';
const ENTITY = 'x3_sales_order';
const ZOHO_BATCH = 100;

interface OrderState {
  x3Since?: string;
}

/**
 * Sage X3 sales orders -> Zoho Sales Orders (Professional and above), as records of fulfilment:
 * polled by X3's update timestamp, upserted on a unique field holding the X3 order number, the status
 * kept current. An order waits (pending, retried next run) until its customer's Account is linked;
 * X3 products become Zoho Products by code. An order made from a Deal is linked to that Deal.
 */
@Injectable()
export class X3SalesOrdersFlow implements FlowRunner<'x3-sales-orders-to-zoho'> {
  readonly key = 'x3-sales-orders-to-zoho' as const;

  constructor(
    private readonly sites: X3Sites,
    private readonly availability: FlowAvailability,
  ) {}

  async run(run: Run): Promise<void> {
    const availability = await this.availability.of(run.tenantId, this.key);
    if (!availability.available) throw new DomainError('CONFLICT', `this flow is unavailable: it ${availability.reason}`);
    await this.sites.use(run, async (x3) => {
      const state = run.state as OrderState;
      const field = run.config.updatedField;
      const latest = await latestUpdate(x3, 'salesOrder', field);
      const products = new Map<string, string>();
      const filter = state.x3Since ? `{${field}:{$gte:${x3Quote(state.x3Since)}}}` : null;
      const handled = new Set<string>();
      for await (const page of orderPages(x3, field, filter, state.x3Since ? `{${field}:1}` : null)) {
        if (run.signal.aborted) return;
        for (const order of page) handled.add(order.id);
        await this.push(run, page, products);
      }
      const retry = (await run.records.unfinished(run.tenantId, run.flowKey, 10_000)).map((l) => l.sapKey).filter((k): k is string => k !== null && !handled.has(k));
      for (let at = 0; at < retry.length; at += 200) await this.push(run, await collect(orderPages(x3, field, inFilter('id', retry.slice(at, at + 200)), null)), products);
      if (run.signal.aborted) return;
      if (latest) await run.checkpoint({ x3Since: latest });
    });
  }

  private async push(run: Run, orders: X3OrderNode[], products: Map<string, string>): Promise<void> {
    const links = await run.records.ensureLinks(run.tenantId, ENTITY, run.flowKey, 'sap', orders.map((o) => o.id));
    await this.resolveProducts(run, orders, products);
    const outbound: OutboundRecord[] = [];
    const waiting: AttemptRecord[] = [];
    for (const [i, order] of orders.entries()) {
      const link = links[i] as LinkRow;
      const account = await run.records.findBySap(run.tenantId, 'x3_customer', order.soldToCustomer);
      if (!account?.zohoId) {
        // Not the order's fault: its customer is not in Zoho yet. It stays pending for the next run.
        waiting.push({ linkId: link.id, outcome: 'retry', correlationId: run.newCorrelationId(), source: order, error: `waiting for X3 customer ${order.soldToCustomer} to be synced to a Zoho Account (flow x3-customers-zoho-accounts)` });
        continue;
      }
      const deal = await run.records.findBySap(run.tenantId, 'x3_deal_order', order.id);
      const values = orderValues(order, run.config, account.zohoId, deal?.zohoId ?? null);
      outbound.push({ link, source: order, values, payload: orderPayload(order, values, link, products, run.config) });
    }
    run.counts.recordsSeen += waiting.length;
    await run.journal(waiting);
    for (let at = 0; at < outbound.length; at += ZOHO_BATCH) await upsertToZoho(run, MODULE, [run.config.keyField], outbound.slice(at, at + ZOHO_BATCH));
  }

  /** Zoho Product ids for the orders' X3 products, upserted by name (= the X3 product code) once per run. */
  private async resolveProducts(run: Run, orders: readonly X3OrderNode[], products: Map<string, string>): Promise<void> {
    const missing = [...new Set(orders.flatMap((o) => o.lines.map((l) => l.product)))].filter((code) => !products.has(code));
    if (missing.length === 0) return;
    const { records } = await run.zoho();
    const results = await records.upsert('Products', missing.map((code) => ({ Product_Name: code, Product_Code: code })), { duplicateCheckFields: ['Product_Name'] });
    for (const [i, result] of results.entries()) if (result.ok) products.set(missing[i] as string, result.id);
  }
}

/** What the link keeps to tell a real change (status, lines) from a re-read. */
function orderValues(order: X3OrderNode, config: X3SalesOrdersConfig, accountId: string, dealId: string | null): Record<string, unknown> {
  return {
    status: order.orderStatus === 'closed' ? config.statuses.closed : config.statuses.open, account: accountId, deal: dealId,
    lines: order.lines.map((l) => `${l.product}:${l.quantityInSalesUnitOrdered}:${l.grossPrice}`).join('|'),
  };
}

function orderPayload(order: X3OrderNode, values: Record<string, unknown>, link: LinkRow, products: Map<string, string>, config: X3SalesOrdersConfig): ZohoRecord {
  const payload: ZohoRecord = {
    Subject: order.customerOrderReference ? `X3 ${order.id} (${order.customerOrderReference})` : `X3 ${order.id}`, [config.keyField]: order.id, SO_Number: order.id,
    Account_Name: { id: values['account'] }, Customer_No: order.soldToCustomer, [config.statusField]: values['status'],
    ...(values['deal'] ? { Deal_Name: { id: values['deal'] } } : {}),
  };
  // Zoho adds line items sent without their ids: lines go once, unless they changed since.
  if (!link.zohoId || link.syncedValues?.['lines'] !== values['lines']) {
    payload['Ordered_Items'] = order.lines.map((l) => ({ Product_Name: { id: products.get(l.product) }, Quantity: l.quantityInSalesUnitOrdered, List_Price: l.grossPrice }));
  }
  return payload;
}
