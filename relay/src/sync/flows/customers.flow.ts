import { Injectable } from '@nestjs/common';
import type { ReadTableRequest, SapRow } from '../../sap/sap-commands.service.js';
import type { CustomersConfig } from '../flow-config.js';
import type { FlowRun } from '../flow-run.js';
import type { FlowRunner } from '../flow-runner.js';
import { changedObjects } from './change-documents.js';
import { KeyOrderedLookup } from './key-ordered-lookup.js';
import { OrderedProgress } from './ordered-progress.js';
import { sapNow, type SapInstant } from './sap-clock.js';
import { displayNumber, quote, text } from './sap-values.js';
import { upsertToZoho, type OutboundRecord } from './zoho-writer.js';

type Run = FlowRun<'sap-customers-to-zoho-accounts'>;

const MODULE = 'Accounts';
const KNA1_FIELDS = ['KUNNR', 'NAME1', 'STRAS', 'ORT01', 'PSTLZ', 'REGIO', 'LAND1', 'TELF1', 'LOEVM'];
const KNVK_FIELDS = ['PARNR', 'KUNNR', 'NAMEV', 'NAME1', 'TELF1', 'ABTNR', 'PAFKT', 'LOEVM'];
/** How often a load saves how far it is, so a load cut short (crash, lost lease) goes on from there. */
const LOAD_CHECKPOINT_MS = 2_000;
/**
 * Zoho batches under way at once during a load. More than Zoho's 10 concurrent writes (the client's
 * budget queues the rest): while 10 batches are at Zoho, the others read their links or journal, so
 * no Zoho slot waits on PostgreSQL. 12 kept ~72 % of the CPU busy on the bench, 32 ~80 % (+25 % records/s);
 * with 20 some 18 batches still queue for a Zoho slot, and fewer records live long enough to cost the GC.
 */
const WRITES_IN_FLIGHT = 20;
const PAGE_ROWS = 5_000;
/**
 * A load's first write waits for the first page of KNA1, KNB1 and KNKK alike: three 5,000-row pages
 * took ~160 ms to arrive on the bench, 500-row ones a fraction of that. The rest comes in full pages.
 */
const FIRST_PAGE_ROWS = 500;
/**
 * How far KNB1 and KNKK are read past the customers being written (see KeyOrderedLookup). Rows read
 * further ahead are CPU spent before it is needed: 3,000 loaded the bench 2-3 % faster than 10,000,
 * mostly in its first second, and 1,000 no faster than 3,000.
 */
const EXTRAS_AHEAD_ROWS = 3_000;
/**
 * How far the agent reads a table ahead of the load: the tunnel's 8 MiB would let it read ~130,000
 * KNB1 rows at once, on CPU the writes need (512 KiB is ~8,000 KNB1 or ~2,000 KNA1 rows).
 */
const READ_WINDOW_BYTES = 512 * 1024;
const ZOHO_BATCH = 100;

interface CustomerState {
  initialDone?: boolean;
  cdhdr?: SapInstant;
  /** An initial load under way: when it began (the first delta's start) and the KUNNR it is done through. */
  load?: { startedAt: SapInstant; through?: string };
}

interface Credit {
  limit: string;
  blocked: boolean;
}

/** A load's KNB1 and KNKK reads, which run alongside KNA1 (see KeyOrderedLookup). */
interface ExtrasRead {
  readThrough(kunnr: string): Promise<unknown>;
  forgetThrough(kunnr: string): void;
}

/** The org-level data of a customer, joined in from KNB1 and KNKK (and KNVK), by KUNNR. */
interface CustomerExtras {
  terms: Pick<ReadonlyMap<string, string>, 'get'>;
  credit: Pick<ReadonlyMap<string, Credit>, 'get'>;
  /** Contact persons by customer (empty when contacts are off). */
  contacts: ReadonlyMap<string, SapRow[]>;
}

/**
 * SAP customers -> Zoho Accounts: number, name, address, credit limit and status, payment terms, each
 * into a configurable field, upserted on a unique custom field holding the SAP number. The first run
 * loads every customer; later runs read only what the change documents (DEBI, KLIM) name.
 */
@Injectable()
export class CustomersFlow implements FlowRunner<'sap-customers-to-zoho-accounts'> {
  readonly key = 'sap-customers-to-zoho-accounts' as const;

  async run(run: Run): Promise<void> {
    const state = run.state as CustomerState;
    if (!state.initialDone || !state.cdhdr) await this.initialLoad(run);
    else await this.delta(run, state.cdhdr);
    await this.retryUnfinished(run);
  }

  /**
   * Every customer, in KUNNR order, in batches written concurrently. How far it is done is saved as it
   * goes, so a load cut short goes on after the last customer done, with the start time it began with.
   */
  private async initialLoad(run: Run): Promise<void> {
    const state = run.state as CustomerState;
    // Taken before reading, so a change made during the load is read again by the first delta.
    const load: NonNullable<CustomerState['load']> = state.load ?? { startedAt: await sapNow(run.sap) };
    if (!state.load) await run.checkpoint({ load });
    const where = load.through ? `KUNNR > ${quote(load.through)}` : undefined;
    // KNB1 and KNKK are read alongside KNA1, all in KUNNR order: a batch is written once both are past its last customer.
    const terms = new KeyOrderedLookup(readByKunnr(run, this.termsRequest(run, where)), kunnrOf, termsOf, EXTRAS_AHEAD_ROWS);
    const credit = new KeyOrderedLookup(readByKunnr(run, this.creditRequest(run, where)), kunnrOf, creditOf, EXTRAS_AHEAD_ROWS);
    try {
      await this.loadCustomers(run, load, where, { terms, credit, contacts: await this.contacts(run) }, {
        readThrough: (kunnr) => Promise.all([terms.readThrough(kunnr), credit.readThrough(kunnr)]),
        forgetThrough: (kunnr) => {
          terms.forgetThrough(kunnr);
          credit.forgetThrough(kunnr);
        },
      });
    } finally {
      terms.close();
      credit.close();
    }
    if (run.signal.aborted) return;
    await run.checkpoint({ initialDone: true, cdhdr: load.startedAt, load: undefined });
  }

  /**
   * KNA1 from `where` on, in batches written concurrently, each once the extras are read through its
   * last customer; the extras of customers done are let go.
   */
  private async loadCustomers(run: Run, load: NonNullable<CustomerState['load']>, where: string | undefined, extras: CustomerExtras, extrasRead: ExtrasRead): Promise<void> {
    const progress = new OrderedProgress(load.through);
    let savedAt = performance.now();
    let saving = false;
    /** Saves how far the load is, at most every LOAD_CHECKPOINT_MS and one save at a time. */
    const saveProgress = async (): Promise<void> => {
      if (saving || performance.now() - savedAt < LOAD_CHECKPOINT_MS || progress.through === load.through) return;
      saving = true;
      savedAt = performance.now();
      try {
        load.through = progress.through;
        await run.checkpoint({ load });
      } finally {
        saving = false;
      }
    };
    const inFlight = new Set<Promise<void>>();
    let pending: SapRow[] = [];
    const flush = async (rows: SapRow[]): Promise<void> => {
      const last = text(rows[rows.length - 1], 'KUNNR');
      const ticket = progress.begin(last);
      const write = extrasRead.readThrough(last)
        .then(() => this.write(run, rows, extras))
        .then(() => {
          progress.finish(ticket);
          if (progress.through !== undefined) extrasRead.forgetThrough(progress.through);
          return saveProgress();
        })
        .finally(() => inFlight.delete(write));
      inFlight.add(write);
      // Its failure (or a lost lease at a save) fails the run through race/all below: it is never unhandled.
      write.catch(() => undefined);
      if (inFlight.size >= WRITES_IN_FLIGHT) await Promise.race(inFlight);
    };
    for await (const batch of readByKunnr(run, { table: 'KNA1', keyFields: ['KUNNR'], fields: KNA1_FIELDS, ...(where ? { where } : {}) })) {
      pending.push(...batch);
      while (pending.length >= ZOHO_BATCH) {
        await flush(pending.slice(0, ZOHO_BATCH));
        pending = pending.slice(ZOHO_BATCH);
      }
      if (run.signal.aborted) break;
    }
    if (pending.length > 0) await flush(pending);
    await Promise.all(inFlight);
  }

  private async delta(run: Run, since: SapInstant): Promise<void> {
    const changed = await changedObjects(run.sap, ['DEBI', 'KLIM'], since);
    await this.pushByKeys(run, changed.ids);
    await run.checkpoint({ cdhdr: changed.watermark });
  }

  /**
   * Pending links (retryable failures, replays) of this flow, re-read from SAP and sent again; a
   * contact goes again with its customer.
   */
  private async retryUnfinished(run: Run): Promise<void> {
    const links = await run.records.unfinished(run.tenantId, run.flowKey, 10_000);
    const customers = links.filter((link) => link.entity === 'customer').map((link) => link.sapKey);
    const contacts = links.filter((link) => link.entity === 'contact').map((link) => link.sapKey);
    const kunnrs = [...customers, ...(await this.customersOfContacts(run, contacts.filter(isKey)))];
    await this.pushByKeys(run, [...new Set(kunnrs.filter(isKey))]);
  }

  private async customersOfContacts(run: Run, parnrs: readonly string[]): Promise<string[]> {
    if (parnrs.length === 0) return [];
    const rows = await run.sap.readByKeys({ table: 'KNVK', keyFields: ['PARNR'], fields: ['PARNR', 'KUNNR'] }, 'PARNR', parnrs);
    return rows.map((row) => text(row, 'KUNNR'));
  }

  private async pushByKeys(run: Run, kunnrs: readonly string[]): Promise<void> {
    if (kunnrs.length === 0) return;
    const rows = await run.sap.readByKeys({ table: 'KNA1', keyFields: ['KUNNR'], fields: KNA1_FIELDS }, 'KUNNR', kunnrs);
    const extras = await this.extras(run, kunnrs);
    for (let at = 0; at < rows.length; at += ZOHO_BATCH) await this.write(run, rows.slice(at, at + ZOHO_BATCH), extras);
  }

  private async write(run: Run, rows: SapRow[], extras: CustomerExtras): Promise<void> {
    const config = run.config;
    const wanted = config.skipDeleted ? rows.filter((row) => text(row, 'LOEVM') !== 'X') : rows;
    const keys = wanted.map((row) => text(row, 'KUNNR'));
    const links = await run.records.linksFor(run.tenantId, 'customer', run.flowKey, 'sap', keys);
    const outbound: OutboundRecord[] = wanted.map((row, i) => {
      const customer = customerOf(row, extras);
      const values = customerValues(customer, config);
      return { link: links[i] as OutboundRecord['link'], source: sourceOf(customer), values, payload: values };
    });
    const accounts = await upsertToZoho(run, MODULE, [config.keyField], outbound);
    if (config.contacts.enabled) await this.writeContacts(run, wanted, links, accounts, extras);
  }

  /** Each customer's contact persons as Contacts of its Account (once the Account is in Zoho). */
  private async writeContacts(run: Run, customers: SapRow[], links: readonly (OutboundRecord['link'] | undefined)[], accounts: Map<string, string>, extras: CustomerExtras): Promise<void> {
    const { keyField } = run.config.contacts;
    const rows: Array<{ contact: SapRow; accountId: string }> = [];
    customers.forEach((customer, i) => {
      const accountId = links[i] ? accounts.get((links[i] as OutboundRecord['link']).id) : undefined;
      if (!accountId) return;
      for (const contact of extras.contacts.get(text(customer, 'KUNNR')) ?? []) if (text(contact, 'LOEVM') !== 'X') rows.push({ contact, accountId });
    });
    if (rows.length === 0) return;
    const contactLinks = await run.records.linksFor(run.tenantId, 'contact', run.flowKey, 'sap', rows.map((r) => text(r.contact, 'PARNR')));
    const outbound: OutboundRecord[] = rows.map(({ contact, accountId }, i) => {
      const values = {
        [keyField]: displayNumber(text(contact, 'PARNR')),
        First_Name: text(contact, 'NAMEV') || null,
        Last_Name: text(contact, 'NAME1') || displayNumber(text(contact, 'PARNR')),
        Phone: text(contact, 'TELF1') || null,
        Account_Name: { id: accountId },
      };
      return { link: contactLinks[i] as OutboundRecord['link'], source: { KNVK: contact }, values, payload: values };
    });
    for (let at = 0; at < outbound.length; at += ZOHO_BATCH) await upsertToZoho(run, 'Contacts', [keyField], outbound.slice(at, at + ZOHO_BATCH));
  }

  /** KNB1, KNKK and KNVK of some customers, read at once (three tables, three calls in flight). */
  private async extras(run: Run, kunnrs: readonly string[]): Promise<CustomerExtras> {
    const [terms, credit, contacts] = await Promise.all([this.terms(run, kunnrs), this.credit(run, kunnrs), this.contacts(run, kunnrs)]);
    return { terms, credit, contacts };
  }

  private async contacts(run: Run, kunnrs?: readonly string[]): Promise<Map<string, SapRow[]>> {
    const byCustomer = new Map<string, SapRow[]>();
    if (!run.config.contacts.enabled) return byCustomer;
    const request = { table: 'KNVK', keyFields: ['PARNR'], fields: KNVK_FIELDS };
    const rows = kunnrs ? await run.sap.readByKeys(request, 'KUNNR', kunnrs) : await run.sap.readAll(request);
    for (const row of rows) byCustomer.set(text(row, 'KUNNR'), [...(byCustomer.get(text(row, 'KUNNR')) ?? []), row]);
    return byCustomer;
  }

  private async terms(run: Run, kunnrs: readonly string[]): Promise<Map<string, string>> {
    const rows = await run.sap.readByKeys(this.termsRequest(run), 'KUNNR', kunnrs);
    return new Map(rows.map((row) => [kunnrOf(row), termsOf(row)]));
  }

  private async credit(run: Run, kunnrs: readonly string[]): Promise<Map<string, Credit>> {
    const rows = await run.sap.readByKeys(this.creditRequest(run), 'KUNNR', kunnrs);
    return new Map(rows.map((row) => [kunnrOf(row), creditOf(row)]));
  }

  /** The payment terms in the configured company code (KNB1), from `where` on. */
  private termsRequest(run: Run, where?: string): ReadTableRequest {
    return { table: 'KNB1', keyFields: ['KUNNR', 'BUKRS'], fields: ['KUNNR', 'BUKRS', 'ZTERM'], where: andWhere(`BUKRS = ${quote(run.config.companyCode)}`, where) };
  }

  /** The credit limit and block in the configured credit control area (KNKK), from `where` on. */
  private creditRequest(run: Run, where?: string): ReadTableRequest {
    return { table: 'KNKK', keyFields: ['KUNNR', 'KKBER'], fields: ['KUNNR', 'KKBER', 'KLIMK', 'CRBLB'], where: andWhere(`KKBER = ${quote(run.config.creditControlArea)}`, where) };
  }
}

/**
 * A table read in KUNNR order for a load (one row per customer), its first FIRST_PAGE_ROWS as a
 * read of their own and the rest, after the last of them, in PAGE_ROWS pages; READ_WINDOW_BYTES ahead.
 */
async function* readByKunnr(run: Run, request: ReadTableRequest): AsyncGenerator<SapRow[]> {
  let rows = 0;
  let last: string | undefined;
  for await (const batch of run.sap.read({ ...request, pageSize: FIRST_PAGE_ROWS, maxRows: FIRST_PAGE_ROWS }, READ_WINDOW_BYTES)) {
    rows += batch.length;
    if (batch.length > 0) last = kunnrOf(batch[batch.length - 1] as SapRow);
    yield batch;
  }
  if (rows < FIRST_PAGE_ROWS || last === undefined) return;
  yield* run.sap.read({ ...request, pageSize: PAGE_ROWS, where: andWhere(`KUNNR > ${quote(last)}`, request.where) }, READ_WINDOW_BYTES);
}

function kunnrOf(row: SapRow): string {
  return text(row, 'KUNNR');
}

function termsOf(row: SapRow): string {
  return text(row, 'ZTERM');
}

function creditOf(row: SapRow): Credit {
  return { limit: text(row, 'KLIMK') || '0', blocked: text(row, 'CRBLB') === 'X' };
}

function andWhere(condition: string, more: string | undefined): string {
  return more ? `${condition} AND ${more}` : condition;
}

/** A KNA1 row with its org-level data from KNB1 and KNKK, looked up once. */
interface Customer {
  row: SapRow;
  kunnr: string;
  terms: string | undefined;
  credit: Credit | undefined;
}

function customerOf(row: SapRow, extras: CustomerExtras): Customer {
  const kunnr = text(row, 'KUNNR');
  return { row, kunnr, terms: extras.terms.get(kunnr), credit: extras.credit.get(kunnr) };
}

/** The Account as Zoho gets it; also the values the link keeps to tell a real change from a re-read. */
function customerValues({ row, kunnr, terms, credit }: Customer, config: CustomersConfig): Record<string, unknown> {
  const f = config.fields;
  return {
    [config.keyField]: displayNumber(kunnr),
    [f.name]: text(row, 'NAME1') || displayNumber(kunnr),
    [f.street]: text(row, 'STRAS') || null,
    [f.city]: text(row, 'ORT01') || null,
    [f.postalCode]: text(row, 'PSTLZ') || null,
    [f.region]: text(row, 'REGIO') || null,
    [f.country]: text(row, 'LAND1') || null,
    [f.phone]: text(row, 'TELF1') || null,
    [f.creditLimit]: credit ? Number(credit.limit) : null,
    [f.creditStatus]: credit ? (credit.blocked ? 'Blocked' : 'OK') : 'No credit data',
    [f.paymentTerms]: terms || null,
  };
}

function isKey(key: string | null | undefined): key is string {
  return typeof key === 'string' && key !== '';
}

function sourceOf({ row, terms, credit }: Customer): Record<string, unknown> {
  return { KNA1: row, KNB1: { ZTERM: terms ?? null }, KNKK: credit ?? null };
}
