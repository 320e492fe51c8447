import { Injectable } from '@nestjs/common';
import type { ZohoRecord } from '@mlc/zoho';
import type { AttemptContext, AttemptDone, FlowRun } from '../flow-run.js';
import type { FlowRunner } from '../flow-runner.js';
import { forEachConcurrent } from '../concurrency.js';
import { RecordRejected } from '../record-failure.js';
import type { LinkRow } from '../sync-records.repository.js';
import { X3_CUSTOMER_FIELDS, type X3CustomersConfig } from '../x3-flow-config.js';
import { X3Sites, type X3Site } from '../x3-site.js';
import { ZohoInboxRepository, type InboxCursor } from '../zoho-inbox.repository.js';
import { countryCode } from './country-code.js';
import { sameValue } from './same-values.js';
import { customersAffected, inventoryFor } from './x3-inventory.js';
import { collect, CREATE_CUSTOMER, customerPages, inFilter, latestUpdate, UPDATE_CUSTOMER, X3_PAGE, x3Quote, type X3CustomerNode } from './x3-graphql.js';
import { mergeX3Customer, type X3CustomerValues } from './x3-customer-merge.js';
import { ZohoPoller } from './zoho-poller.js';
import { upsertToZoho, type OutboundRecord } from './zoho-writer.js';

type Run = FlowRun<'x3-customers-zoho-accounts'>;

const MODULE = 'Accounts';
const ENTITY = 'x3_customer';
const ZOHO_BATCH = 100;
/** Zoho batches written at once during a load; the client's budget still caps concurrency per edition. */
const WRITES_IN_FLIGHT = 8;
/** Customers written to X3 at once (each a GraphQL mutation through the agent). */
const X3_WRITES_IN_FLIGHT = 4;

interface CustomerState {
  /** X3's own update timestamp (ISO) up to which changes are read. */
  x3Since?: string;
  /** Update timestamps (ISO, X3's clock) up to which stock lines and sales orders were read for the inventory summary. */
  stockSince?: string;
  ordersSince?: string;
  inbox?: InboxCursor;
}

/** One customer to reconcile: its link and each side's current record. */
interface Pair {
  link: LinkRow;
  x3?: X3CustomerNode;
  zoho?: ZohoRecord;
  /** The inventory summary the Account shows (read-only, from X3). */
  inventory?: string | null;
}

/**
 * Sage X3 customers <-> Zoho Accounts. X3 has no webhooks: it is polled by its update timestamp
 * (watermark taken on X3's clock before each read). Zoho changes come from the inbox (webhooks on
 * Professional and above, Modified_Time polls on every edition). Each changed customer is merged
 * field by field against what was last synced; what only Zoho must take goes out in batched upserts,
 * what X3 must take (a new Account, a field Zoho won) is written per record. The credit limit, the
 * customer's status and the inventory availability are X3's alone and shown read-only on the Account;
 * the availability also follows stock lines and sales orders, polled by their own update timestamps.
 */
@Injectable()
export class X3CustomersFlow implements FlowRunner<'x3-customers-zoho-accounts'> {
  readonly key = 'x3-customers-zoho-accounts' as const;

  constructor(
    private readonly sites: X3Sites,
    private readonly inbox: ZohoInboxRepository,
    private readonly poller: ZohoPoller,
  ) {}

  async run(run: Run): Promise<void> {
    await this.poller.poll(run, MODULE);
    await this.sites.use(run, (x3) => this.sync(run, x3));
  }

  private async sync(run: Run, x3: X3Site): Promise<void> {
    const state = run.state as CustomerState;
    const field = run.config.updatedField;
    const handled = new Set<string>();
    // Taken before reading, so a change made while this run reads is read again by the next one.
    const latest = await latestUpdate(x3, 'customer', field);
    const latestStock = await latestUpdate(x3, 'stock', field);
    const latestOrders = await latestUpdate(x3, 'salesOrder', field);
    const filter = state.x3Since ? `{${field}:{$gte:${x3Quote(state.x3Since)}}}` : null;
    for await (const page of customerPages(x3, field, filter, state.x3Since ? `{${field}:1}` : null)) {
      if (run.signal.aborted) return;
      const links = await run.records.ensureLinks(run.tenantId, ENTITY, run.flowKey, 'sap', page.map((node) => node.code));
      const pairs: Pair[] = [];
      for (const [i, node] of page.entries()) {
        const link = links[i] as LinkRow;
        handled.add(link.id);
        pairs.push({ link, x3: node, zoho: link.zohoId ? await this.inbox.get(run.tenantId, MODULE, link.zohoId) : undefined });
      }
      await this.attachInventory(run, x3, pairs);
      await this.reconcile(run, x3, pairs);
    }
    const zohoSide = await this.inbox.changedSince(run.tenantId, MODULE, state.inbox ?? null, 100_000);
    const fromZoho: Pair[] = [];
    for (const record of zohoSide) {
      const link = await this.linkForZoho(run, record.data);
      if (handled.has(link.id) || isEcho(link, record.data, run.config)) continue;
      handled.add(link.id);
      fromZoho.push({ link, zoho: record.data });
    }
    for (const link of await run.records.unfinished(run.tenantId, run.flowKey, 10_000)) {
      if (handled.has(link.id)) continue;
      handled.add(link.id);
      fromZoho.push({ link, zoho: link.zohoId ? await this.inbox.get(run.tenantId, MODULE, link.zohoId) : undefined });
    }
    await this.loadX3(x3, run, fromZoho);
    await this.attachInventory(run, x3, fromZoho);
    await this.reconcile(run, x3, fromZoho);
    await this.refreshInventory(run, x3, handled);
    if (run.signal.aborted) return;
    const last = zohoSide.at(-1);
    await run.checkpoint({
      // '' when X3 has none yet: every later line is newer than that.
      ...(latest ? { x3Since: latest } : {}), stockSince: latestStock ?? '', ordersSince: latestOrders ?? '',
      ...(last ? { inbox: last.cursor } : {}),
    });
  }

  private async attachInventory(run: Run, x3: X3Site, pairs: Pair[]): Promise<void> {
    const codes = pairs.flatMap((pair) => (pair.x3 ? [pair.x3.code] : []));
    const summaries = await inventoryFor(x3, run.config, codes);
    for (const pair of pairs) if (pair.x3) pair.inventory = summaries.get(pair.x3.code) ?? null;
  }

  /**
   * Accounts whose customer did not change but whose availability did (stock moved, an order opened
   * or closed): only those whose summary now differs from the one last written go out. Before any
   * stock watermark exists (the first run after this was added) every synced Account is refreshed once.
   */
  private async refreshInventory(run: Run, x3: X3Site, handled: ReadonlySet<string>): Promise<void> {
    const state = run.state as CustomerState;
    if (!state.x3Since || run.signal.aborted) return;
    const since = state.stockSince !== undefined && state.ordersSince !== undefined ? { stock: state.stockSince, orders: state.ordersSince } : undefined;
    const affected = since ? await customersAffected(x3, run.config, since) : 'all';
    const codes = affected === 'all' ? (await collect(customerPages(x3, run.config.updatedField, null, null))).map((node) => node.code) : [...affected];
    for (let at = 0; at < codes.length; at += X3_PAGE) {
      if (run.signal.aborted) return;
      const links = (await run.records.ensureLinks(run.tenantId, ENTITY, run.flowKey, 'sap', codes.slice(at, at + X3_PAGE)))
        .filter((link): link is LinkRow => link !== undefined && link.status === 'synced' && link.zohoId !== null && !handled.has(link.id));
      const pairs: Pair[] = [];
      for (const link of links) pairs.push({ link, zoho: await this.inbox.get(run.tenantId, MODULE, link.zohoId as string) });
      await this.loadX3(x3, run, pairs);
      await this.attachInventory(run, x3, pairs);
      await this.reconcile(run, x3, pairs.filter((pair) => pair.x3 && !sameValue(pair.inventory, pair.link.syncedValues?.['inventory'])));
    }
  }

  /** The Account's link: by Zoho id, else by the X3 code typed into Zoho, else a new one (a new customer). */
  private async linkForZoho(run: Run, record: ZohoRecord): Promise<LinkRow> {
    const zohoId = String(record.id);
    const byZoho = await run.records.findByZoho(run.tenantId, ENTITY, zohoId);
    if (byZoho) return byZoho;
    const typed = String(record[run.config.keyField] ?? '').trim();
    if (typed) {
      const [byCode] = await run.records.ensureLinks(run.tenantId, ENTITY, run.flowKey, 'sap', [typed]);
      if (byCode && !byCode.zohoId) {
        await run.records.setKeys(run.tenantId, byCode.id, { zohoId });
        return { ...byCode, zohoId };
      }
    }
    const [created] = await run.records.ensureLinks(run.tenantId, ENTITY, run.flowKey, 'zoho', [zohoId]);
    return created as LinkRow;
  }

  private async loadX3(x3: X3Site, run: Run, pairs: Pair[]): Promise<void> {
    const codes = pairs.map((p) => p.link.sapKey).filter((k): k is string => k !== null);
    const byCode = new Map<string, X3CustomerNode>();
    for (let at = 0; at < codes.length; at += 200) {
      for (const node of await collect(customerPages(x3, run.config.updatedField, inFilter('code', codes.slice(at, at + 200)), null))) byCode.set(node.code, node);
    }
    for (const pair of pairs) if (pair.link.sapKey) pair.x3 = byCode.get(pair.link.sapKey);
  }

  /** Zoho-only changes go out in batched upserts; records X3 must take are written one by one. */
  private async reconcile(run: Run, x3: X3Site, pairs: Pair[]): Promise<void> {
    const config = run.config;
    const outbound: OutboundRecord[] = [];
    const toX3: Array<{ pair: Pair; merge: ReturnType<typeof mergeX3Customer> }> = [];
    for (const pair of pairs) {
      if (!pair.x3 && !pair.zoho) continue;
      const merge = mergeX3Customer({
        x3: pair.x3 && x3Values(pair.x3), zoho: pair.zoho && zohoValues(pair.zoho, config), synced: (pair.link.syncedValues as Partial<X3CustomerValues> | null) ?? undefined,
        x3ChangedAt: pair.x3 ? Date.parse(pair.x3.updatedAt) : undefined, zohoChangedAt: typeof pair.zoho?.['Modified_Time'] === 'string' ? Date.parse(pair.zoho['Modified_Time']) : undefined,
      }, config.ownership);
      if (pair.x3 && Object.keys(merge.toX3).length === 0) {
        const values = syncedValues(merge.merged, pair.x3, pair.inventory ?? null);
        outbound.push({ link: pair.link, source: { x3: pair.x3, zoho: pair.zoho ?? null }, values, payload: zohoPayload(values, pair.x3.code, config) });
      } else {
        toX3.push({ pair, merge });
      }
    }
    const batches: OutboundRecord[][] = [];
    for (let at = 0; at < outbound.length; at += ZOHO_BATCH) batches.push(outbound.slice(at, at + ZOHO_BATCH));
    await forEachConcurrent(batches, WRITES_IN_FLIGHT, async (batch) => { await upsertToZoho(run, MODULE, [config.keyField], batch); });
    await forEachConcurrent(toX3, X3_WRITES_IN_FLIGHT, async ({ pair, merge }) => {
      if (run.signal.aborted) return;
      await run.attempt(pair.link, { x3: pair.x3 ?? null, zoho: pair.zoho ?? null }, (attempt) => this.writeBoth(run, x3, pair, merge, attempt));
    });
  }

  private async writeBoth(run: Run, x3: X3Site, pair: Pair, merge: ReturnType<typeof mergeX3Customer>, attempt: AttemptContext): Promise<AttemptDone> {
    const link = (await run.records.get(run.tenantId, pair.link.id)) ?? pair.link;
    attempt.report.payload = { merged: merge.merged, toX3: merge.toX3, toZoho: merge.toZoho, conflicts: merge.conflicts };
    const node = link.sapKey ? await this.updateInX3(x3, link.sapKey, merge.toX3, attempt) : await this.createInX3(run, x3, link, merge.merged, attempt);
    // Both sides agree on what X3 now holds: its defaults (a currency the Account left empty) included,
    // or the next run would read them as an X3 change and write the Account once more.
    const held = Object.fromEntries(Object.entries(x3Values(node)).filter(([, value]) => value !== null));
    const values = syncedValues({ ...merge.merged, ...held }, node, pair.inventory ?? null);
    const payload = zohoPayload(values, node.code, run.config);
    const zohoId = link.zohoId ?? (pair.zoho ? String(pair.zoho.id) : undefined);
    const { records } = await run.zoho();
    attempt.report.request = { x3: attempt.report.request, zoho: payload };
    const [result] = zohoId ? await records.update(MODULE, [{ ...payload, id: zohoId }]) : await records.upsert(MODULE, [payload], { duplicateCheckFields: [run.config.keyField] });
    if (!result?.ok) throw new RecordRejected(`Zoho refused the Account: ${result ? `${result.code} ${result.message}` : 'no result'}`, result?.details ?? {});
    return { outcome: 'succeeded', sapKey: node.code, zohoId: result.id, syncedValues: values };
  }

  private async createInX3(run: Run, x3: X3Site, link: LinkRow, values: X3CustomerValues, attempt: AttemptContext): Promise<X3CustomerNode> {
    if (!values.name) throw new RecordRejected('the Zoho Account has no name, which X3 needs (BPCNAM)');
    // A try whose answer was lost (or that X3 saved "with errors") left the link "writing": find what it made.
    if (link.status === 'writing') {
      const found = await this.findCreated(run, x3, values.name);
      if (found) return found;
    }
    const data = { companyName: values.name, country: values.country ?? run.config.defaultCountry, currency: values.currency ?? run.config.defaultCurrency };
    attempt.report.request = { mutation: 'x3BusinessPartners.customer.create', data };
    await run.records.markWriting(run.tenantId, link.id, attempt.correlationId);
    const result = await x3.mutate<{ sage: { x3BusinessPartners: { customer: { create: Omit<X3CustomerNode, 'updatedAt'> | null } } } }>(CREATE_CUSTOMER, { data }, attempt.correlationId, false);
    const created = result.data.sage.x3BusinessPartners.customer.create;
    attempt.report.response = { created, diagnoses: result.diagnoses };
    if (!created?.code) throw new RecordRejected('X3 created no customer code');
    await run.records.setKeys(run.tenantId, link.id, { sapKey: created.code });
    return { ...created, updatedAt: '' };
  }

  private async findCreated(run: Run, x3: X3Site, name: string): Promise<X3CustomerNode | undefined> {
    const candidates = await collect(customerPages(x3, run.config.updatedField, `{companyName:${x3Quote(name)}}`, null));
    const unlinked: X3CustomerNode[] = [];
    for (const node of candidates) if (!(await run.records.findBySap(run.tenantId, ENTITY, node.code))) unlinked.push(node);
    return unlinked.length === 1 ? unlinked[0] : undefined;
  }

  private async updateInX3(x3: X3Site, code: string, change: Partial<X3CustomerValues>, attempt: AttemptContext): Promise<X3CustomerNode> {
    const data = { companyName: change.name ?? undefined, country: change.country ?? undefined, currency: change.currency ?? undefined };
    attempt.report.request = { mutation: 'x3BusinessPartners.customer.update', code, data };
    const result = await x3.mutate<{ sage: { x3BusinessPartners: { customer: { update: Omit<X3CustomerNode, 'updatedAt'> | null } } } }>(UPDATE_CUSTOMER, { code, data }, attempt.correlationId, true);
    const updated = result.data.sage.x3BusinessPartners.customer.update;
    attempt.report.response = { updated, diagnoses: result.diagnoses };
    if (!updated) throw new RecordRejected(`X3 answered no customer for ${code}`);
    return { ...updated, updatedAt: '' };
  }
}

function x3Values(node: X3CustomerNode): X3CustomerValues {
  return { name: node.companyName || null, country: node.country || null, currency: node.currency || null };
}

function zohoValues(record: ZohoRecord, config: X3CustomersConfig): X3CustomerValues {
  const read = (field: string): string | null => {
    const value = record[field];
    return value === null || value === undefined || value === '' ? null : String(value);
  };
  return { name: read(config.fields.name), country: countryCode(read(config.fields.country)), currency: read(config.fields.currency) };
}

/** What the link keeps: the merged fields plus X3's read-only ones. */
function syncedValues(merged: X3CustomerValues, node: Pick<X3CustomerNode, 'creditLimit' | 'isActive'>, inventory: string | null): Record<string, unknown> {
  return { ...merged, creditLimit: node.creditLimit, status: node.isActive ? 'Active' : 'Inactive', inventory };
}

function zohoPayload(values: Record<string, unknown>, code: string, config: X3CustomersConfig): ZohoRecord {
  const f = config.fields;
  return {
    [config.keyField]: code, [f.name]: values['name'] ?? code, [f.country]: values['country'] ?? null, [f.currency]: values['currency'] ?? null,
    [f.creditLimit]: values['creditLimit'] ?? null, [f.status]: values['status'] ?? null, [config.inventory.field]: values['inventory'] ?? null,
  };
}

/** A Zoho change that only repeats what was last synced (our own write coming back): nothing to do. */
function isEcho(link: LinkRow, record: ZohoRecord, config: X3CustomersConfig): boolean {
  if (link.status !== 'synced' || !link.syncedValues) return false;
  const values = zohoValues(record, config);
  return X3_CUSTOMER_FIELDS.every((field) => sameValue(values[field], link.syncedValues?.[field]));
}
