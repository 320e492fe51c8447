import { Client } from './rfc-client.js';
import type {
  RfcCallback,
  RfcClientOptions,
  RfcConnectionParameters,
  RfcPoolConfiguration,
  RfcPoolOptions,
  RfcPoolStatus,
} from './rfc-types.js';

/**
 * node-rfc's Pool. As in node-rfc, `high` is not a cap: acquire() opens a new connection whenever
 * none is idle, so callers must limit concurrency themselves. A released client is reset (its
 * uncommitted work discarded) and kept idle while fewer than `high` are idle, else closed.
 */
export class Pool {
  private readonly idle: Client[] = [];
  private readonly leased = new Set<Client>();
  readonly poolOptions: RfcPoolOptions;

  constructor(private readonly poolConfiguration: RfcPoolConfiguration) {
    this.poolOptions = poolConfiguration.poolOptions ?? { low: 2, high: 4 };
  }

  get status(): RfcPoolStatus {
    return { ready: this.idle.length, leased: this.leased.size };
  }

  get connectionParameters(): RfcConnectionParameters {
    return this.poolConfiguration.connectionParameters;
  }

  get clientOptions(): RfcClientOptions | undefined {
    return this.poolConfiguration.clientOptions;
  }

  get config(): RfcPoolConfiguration {
    return { ...this.poolConfiguration, poolOptions: this.poolOptions };
  }

  acquire(arg1?: number | RfcCallback<Client | Client[]>, arg2?: number | RfcCallback<Client | Client[]>): void | Promise<Client | Client[]> {
    const requested = typeof arg1 === 'number' ? arg1 : typeof arg2 === 'number' ? arg2 : 1;
    const callback = typeof arg1 === 'function' ? arg1 : typeof arg2 === 'function' ? arg2 : undefined;
    const acquiring = (async (): Promise<Client | Client[]> => {
      const settled = await Promise.allSettled(Array.from({ length: requested }, () => this.acquireOne()));
      const clients = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
      const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failed) {
        // All or nothing: hand back what was opened, then report the failure.
        await this.release(clients);
        throw failed.reason;
      }
      return requested === 1 ? clients[0] : clients;
    })();
    if (!callback) return acquiring;
    acquiring.then((c) => callback(undefined, c), (e: unknown) => callback(e));
  }

  release(clients: Client | Client[], callback?: RfcCallback<void>): void | Promise<void> {
    const list = Array.isArray(clients) ? clients : [clients];
    for (const c of list) {
      if (!(c instanceof Client)) {
        throw new TypeError(`Pool release() 1st argument must be a single client or array of clients, received: ${typeof c}`);
      }
    }
    const releasing = (async (): Promise<void> => {
      for (const c of list) await this.releaseOne(c);
    })();
    if (!callback) return releasing;
    releasing.then(() => callback(undefined), (e: unknown) => callback(e));
  }

  /** Opens idle connections until `n` (default `low`) are ready. */
  ready(n?: number, callback?: RfcCallback<void>): void | Promise<void> {
    const target = n ?? this.poolOptions.low;
    const filling = (async (): Promise<void> => {
      const missing = Math.max(0, target - this.idle.length);
      const opened = await Promise.all(Array.from({ length: missing }, () => this.openClient()));
      this.idle.push(...opened);
    })();
    if (!callback) return filling;
    filling.then(() => callback(undefined), (e: unknown) => callback(e));
  }

  cancel(client: Client, callback?: RfcCallback<void>): void | Promise<void> {
    return client.cancel(callback);
  }

  closeAll(callback?: RfcCallback<void>): void | Promise<void> {
    const all = [...this.idle, ...this.leased];
    this.idle.length = 0;
    this.leased.clear();
    const closing = Promise.all(all.filter((c) => c.alive).map((c) => c.close())).then(() => undefined);
    if (!callback) return closing;
    closing.then(() => callback(undefined), (e: unknown) => callback(e));
  }

  private async acquireOne(): Promise<Client> {
    let client = this.idle.shift();
    while (client && !client.alive) client = this.idle.shift();
    client ??= await this.openClient();
    this.leased.add(client);
    return client;
  }

  private async releaseOne(client: Client): Promise<void> {
    if (!this.leased.delete(client)) return;
    if (!client.alive) return;
    if (this.idle.length >= this.poolOptions.high) {
      await client.close();
      return;
    }
    await client.resetServerContext();
    this.idle.push(client);
  }

  private async openClient(): Promise<Client> {
    const client = new Client(this.poolConfiguration.connectionParameters, this.poolConfiguration.clientOptions);
    await client.open();
    return client;
  }
}
