import { randomUUID } from 'node:crypto';
import type { SimClock } from './sim-clock.js';

/**
 * A STOCK line, with X3's column names. Real X3 keeps one line per product, site, location, lot,
 * status...; the simulator keeps one per product and site (what an availability summary reads), so
 * STOCOU, the line's number, stands for that pair. Quantities are in the stock unit.
 */
export interface StockLine {
  STOCOU: number;
  STOFCY: string;
  ITMREF: string;
  STU: string;
  /** Quantity in stock unit. */
  QTYSTU: number;
  /** Quantity allocated to orders (not available to a new one). */
  CUMALLQTY: number;
  CREUSR: string;
  UPDUSR: string;
  CREDATTIM: number;
  UPDDATTIM: number;
  uuid: string;
  etag: number;
}

export type StockChange = Partial<Pick<StockLine, 'QTYSTU' | 'CUMALLQTY'>>;

export const STOCK_SITES = ['FR011', 'FR012', 'DE011'];

/** The folder's stock: one line per product and site, in STOCOU order. */
export class X3StockStore {
  private readonly lines = new Map<string, StockLine>();
  private counter = 0;

  constructor(private readonly clock: SimClock) {}

  /** Every product at every site, seeded from `random` so `--seed N` gives the same stock every time. */
  seed(random: () => number, products: readonly string[]): void {
    const at = this.clock.now() - 30 * 86_400_000;
    for (const product of products) {
      for (const site of STOCK_SITES) {
        const quantity = Math.floor(random() * 500);
        this.insert(product, site, { QTYSTU: quantity, CUMALLQTY: Math.floor(random() * quantity * 0.3) }, 'ADMIN', at);
      }
    }
  }

  get count(): number {
    return this.lines.size;
  }

  all(): StockLine[] {
    return [...this.lines.values()].sort((a, b) => a.STOCOU - b.STOCOU);
  }

  byNumber(stocou: number): StockLine | undefined {
    return [...this.lines.values()].find((line) => line.STOCOU === stocou);
  }

  /**
   * An X3 user's stock transaction (a receipt, an issue, a count) leaving the line at these
   * quantities; a product new at a site gets a new line. Moves the update timestamp like any change.
   */
  set(product: string, site: string, change: StockChange, user: string): StockLine {
    const line = this.lines.get(`${product}~${site}`);
    if (!line) return this.insert(product, site, { QTYSTU: change.QTYSTU ?? 0, CUMALLQTY: change.CUMALLQTY ?? 0 }, user, this.clock.now());
    if (change.QTYSTU !== undefined) line.QTYSTU = change.QTYSTU;
    if (change.CUMALLQTY !== undefined) line.CUMALLQTY = change.CUMALLQTY;
    line.UPDDATTIM = Math.max(this.clock.now(), line.UPDDATTIM + 1);
    line.UPDUSR = user;
    line.etag += 1;
    return line;
  }

  clear(): void {
    this.lines.clear();
    this.counter = 0;
  }

  private insert(product: string, site: string, quantities: Pick<StockLine, 'QTYSTU' | 'CUMALLQTY'>, user: string, at: number): StockLine {
    this.counter += 1;
    const line: StockLine = { STOCOU: this.counter, STOFCY: site, ITMREF: product, STU: 'UN', ...quantities, CREUSR: user, UPDUSR: user, CREDATTIM: at, UPDDATTIM: at, uuid: randomUUID(), etag: 1 };
    this.lines.set(`${product}~${site}`, line);
    return line;
  }
}
