import { randomUUID } from 'node:crypto';
import type { SimClock } from './sim-clock.js';
import { X3StockStore } from './x3-stock.js';

/** A BPCUSTOMER record, with X3's column names. Timestamps are the simulated clock's ms. */
export interface Customer {
  BPCNUM: string;
  BPCNAM: string;
  BPCSHO: string;
  CRY: string;
  CUR: string;
  /** Authorised credit (the credit limit Zoho shows). */
  OSTAUZ: number;
  BPCSTA: 1 | 2;
  CREUSR: string;
  UPDUSR: string;
  CREDATTIM: number;
  UPDDATTIM: number;
  uuid: string;
  etag: number;
}

export interface SalesOrderLine {
  ITMREF: string;
  QTY: number;
  SAU: string;
  GROPRI: number;
}

/** A SORDER record (header SOH0_1 columns, lines SOH4_1). */
export interface SalesOrder {
  SOHNUM: string;
  SOHTYP: string;
  SALFCY: string;
  BPCORD: string;
  ORDDAT: string;
  CUSORDREF: string;
  CUR: string;
  /** 1 open, 2 closed. */
  ORDSTA: 1 | 2;
  lines: SalesOrderLine[];
  CREUSR: string;
  UPDUSR: string;
  CREDATTIM: number;
  UPDDATTIM: number;
  uuid: string;
  etag: number;
}

export type CustomerInput = Partial<Pick<Customer, 'BPCNUM' | 'BPCNAM' | 'BPCSHO' | 'CRY' | 'CUR' | 'OSTAUZ' | 'BPCSTA'>>;
export type SalesOrderInput = Pick<SalesOrder, 'SALFCY' | 'BPCORD' | 'ORDDAT' | 'CUR' | 'lines'> & Partial<Pick<SalesOrder, 'CUSORDREF' | 'SOHTYP'>>;

/** A business refusal X3 would show as an error message (unknown customer, missing field...). */
export class X3BusinessError extends Error {
  override readonly name = 'X3BusinessError';
}

/** An object lock held by another session. */
export class X3LockError extends Error {
  override readonly name = 'X3LockError';
}

interface Lock {
  user: string;
  until: number;
}

const NAMES = ['Alpine', 'Baltic', 'Cedar', 'Delta', 'Ember', 'Falcon', 'Granite', 'Harbor', 'Iris', 'Juniper', 'Kestrel', 'Lumen', 'Meridian', 'Nordic', 'Orchid', 'Pioneer'];
const KINDS = ['Distribution', 'Supplies', 'Industries', 'Trading', 'Logistics', 'Foods', 'Tools', 'Systems'];
const COUNTRIES: Array<[string, string]> = [['FR', 'EUR'], ['DE', 'EUR'], ['GB', 'GBP'], ['US', 'USD'], ['ES', 'EUR'], ['ZA', 'ZAR']];
const PRODUCTS = ['BMS001', 'BMS002', 'CON001', 'FIN010', 'SER005'];

/** mulberry32: a tiny deterministic PRNG, so `--seed N` gives the same data every time. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The folder's data: customers and sales orders, kept in key order, with object locks. */
export class X3Store {
  private readonly customers = new Map<string, Customer>();
  private readonly orders = new Map<string, SalesOrder>();
  private readonly locks = new Map<string, Lock>();
  private orderCounter = 0;
  private customerCounter = 0;
  /** Stock per product and site, read-only to the APIs; admins change it as X3 users. */
  readonly stock: X3StockStore;

  constructor(private readonly clock: SimClock) {
    this.stock = new X3StockStore(clock);
  }

  seed(seed: number, customers: number, ordersPerCustomer = 0): void {
    const random = prng(seed);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
    const start = this.clock.now() - 365 * 86_400_000;
    for (let i = 1; i <= customers; i += 1) {
      const [cry, cur] = pick(COUNTRIES);
      const at = start + Math.floor(random() * 300 * 86_400_000);
      const name = `${pick(NAMES)} ${pick(KINDS)} ${i}`;
      this.insertCustomer({ BPCNUM: this.nextCustomerCode(), BPCNAM: name, BPCSHO: name.slice(0, 10), CRY: cry, CUR: cur, OSTAUZ: Math.round(random() * 100) * 1000, BPCSTA: 2 }, 'ADMIN', at);
    }
    for (const customer of [...this.customers.values()]) {
      for (let n = 0; n < ordersPerCustomer; n += 1) {
        const lines = [{ ITMREF: pick(PRODUCTS), QTY: 1 + Math.floor(random() * 20), SAU: 'UN', GROPRI: Math.round(random() * 50_000) / 100 }];
        this.createOrder({ SALFCY: 'FR011', BPCORD: customer.BPCNUM, ORDDAT: new Date(customer.CREDATTIM).toISOString().slice(0, 10), CUR: customer.CUR, lines }, 'ADMIN');
      }
    }
    // A generator of its own, so the customers and orders of a seed stay what they were before stock existed.
    this.stock.seed(prng(seed + 0x5f0c), PRODUCTS);
  }

  get customerCount(): number {
    return this.customers.size;
  }

  get orderCount(): number {
    return this.orders.size;
  }

  /** Customers in key order. */
  allCustomers(): Customer[] {
    return [...this.customers.values()].sort((a, b) => compareKeys(a.BPCNUM, b.BPCNUM));
  }

  allOrders(): SalesOrder[] {
    return [...this.orders.values()].sort((a, b) => compareKeys(a.SOHNUM, b.SOHNUM));
  }

  customer(code: string): Customer | undefined {
    return this.customers.get(code);
  }

  order(number: string): SalesOrder | undefined {
    return this.orders.get(number);
  }

  createCustomer(input: CustomerInput, user: string): Customer {
    if (!input.BPCNAM) throw new X3BusinessError('Company name (BPCNAM): mandatory field');
    const code = input.BPCNUM ?? this.nextCustomerCode();
    if (this.customers.has(code)) throw new X3BusinessError(`Customer ${code}: record already exists`);
    const [cry, cur] = COUNTRIES[0];
    return this.insertCustomer({ BPCNUM: code, BPCNAM: input.BPCNAM, BPCSHO: input.BPCSHO ?? input.BPCNAM.slice(0, 10), CRY: input.CRY ?? cry, CUR: input.CUR ?? cur, OSTAUZ: input.OSTAUZ ?? 0, BPCSTA: input.BPCSTA ?? 2 }, user, this.clock.now());
  }

  updateCustomer(code: string, input: CustomerInput, user: string): Customer {
    const customer = this.customers.get(code);
    if (!customer) throw new X3BusinessError(`Customer ${code}: record does not exist`);
    this.assertUnlocked('BPCUSTOMER', code, user);
    const { BPCNUM: _ignored, ...changes } = input;
    Object.assign(customer, Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)));
    this.touch(customer, user);
    return customer;
  }

  createOrder(input: SalesOrderInput, user: string): SalesOrder {
    const customer = this.customers.get(input.BPCORD);
    if (!customer) throw new X3BusinessError(`Sold-to customer ${input.BPCORD}: record does not exist`);
    if (input.lines.length === 0) throw new X3BusinessError('Sales order: at least one line is required');
    const bad = input.lines.find((line) => !(line.QTY > 0));
    if (bad) throw new X3BusinessError(`Product ${bad.ITMREF}: quantity must be greater than 0`);
    this.orderCounter += 1;
    const now = this.clock.now();
    const order: SalesOrder = {
      SOHNUM: `SO${input.SALFCY}${String(this.orderCounter).padStart(6, '0')}`, SOHTYP: input.SOHTYP ?? 'SON', SALFCY: input.SALFCY, BPCORD: input.BPCORD,
      ORDDAT: input.ORDDAT, CUSORDREF: input.CUSORDREF ?? '', CUR: input.CUR || customer.CUR, ORDSTA: 1, lines: input.lines.map((line) => ({ ...line })),
      CREUSR: user, UPDUSR: user, CREDATTIM: now, UPDDATTIM: now, uuid: randomUUID(), etag: 1,
    };
    this.orders.set(order.SOHNUM, order);
    return order;
  }

  closeOrder(number: string, user: string): SalesOrder {
    const order = this.orders.get(number);
    if (!order) throw new X3BusinessError(`Sales order ${number}: record does not exist`);
    this.assertUnlocked('SORDER', number, user);
    order.ORDSTA = 2;
    this.touch(order, user);
    return order;
  }

  /** `user` opens the record in another session and holds its lock until `until` (sim ms). */
  lock(entity: string, key: string, user: string, until: number): void {
    this.locks.set(`${entity}:${key}`, { user, until });
  }

  unlock(user: string): number {
    let released = 0;
    for (const [key, lock] of this.locks) if (lock.user === user && this.locks.delete(key)) released += 1;
    return released;
  }

  activeLocks(): Array<{ entity: string; key: string; user: string; until: string }> {
    const now = this.clock.now();
    return [...this.locks.entries()].filter(([, lock]) => lock.until > now).map(([id, lock]) => {
      const [entity, key] = id.split(':', 2);
      return { entity, key, user: lock.user, until: new Date(lock.until).toISOString() };
    });
  }

  clear(): void {
    this.customers.clear();
    this.orders.clear();
    this.locks.clear();
    this.stock.clear();
    this.orderCounter = 0;
    this.customerCounter = 0;
  }

  private assertUnlocked(entity: string, key: string, user: string): void {
    const lock = this.locks.get(`${entity}:${key}`);
    if (!lock || lock.until <= this.clock.now() || lock.user === user) return;
    throw new X3LockError(`${entity} ${key}: record locked by user ${lock.user} (another session is modifying it)`);
  }

  private nextCustomerCode(): string {
    do this.customerCounter += 1;
    while (this.customers.has(`C${String(this.customerCounter).padStart(6, '0')}`));
    return `C${String(this.customerCounter).padStart(6, '0')}`;
  }

  private insertCustomer(fields: Omit<Customer, 'CREUSR' | 'UPDUSR' | 'CREDATTIM' | 'UPDDATTIM' | 'uuid' | 'etag'>, user: string, at: number): Customer {
    const customer: Customer = { ...fields, CREUSR: user, UPDUSR: user, CREDATTIM: at, UPDDATTIM: at, uuid: randomUUID(), etag: 1 };
    this.customers.set(customer.BPCNUM, customer);
    return customer;
  }

  /** Every change moves the update timestamp (at least 1 ms, so a poller never misses it) and the etag. */
  private touch(record: { UPDDATTIM: number; UPDUSR: string; etag: number }, user: string): void {
    record.UPDDATTIM = Math.max(this.clock.now(), record.UPDDATTIM + 1);
    record.UPDUSR = user;
    record.etag += 1;
  }
}

export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
