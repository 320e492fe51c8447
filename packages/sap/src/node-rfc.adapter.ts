import { TunnelError } from '@mlc/tunnel';
import type * as NodeRfc from 'node-rfc';
import { ConcurrencyGate } from './concurrency-gate.js';
import type { RfcCallOptions, RfcConnection, RfcConnectionPool, RfcParams, RfcPoolStatus } from './rfc-connector.js';
import { rfcErrorToTunnelError } from './rfc-error.mapper.js';

/** node-rfc's module, as its own declarations (lib/*.d.ts) describe it; the simulator's client has the same API. */
export type NodeRfcModule = Pick<typeof NodeRfc, 'Client'>;
type NodeRfcClient = NodeRfc.Client;

export const DEFAULT_RFC_MODULE = 'node-rfc';

const loaded = new Map<string, Promise<NodeRfcModule>>();

/**
 * Loads a node-rfc-compatible module by name at run time. node-rfc is an optional dependency that
 * only works where SAP's NW RFC SDK is installed, so its absence is a configuration problem the
 * operator must fix, reported with what to do.
 */
export function loadRfcModule(name: string = DEFAULT_RFC_MODULE): Promise<NodeRfcModule> {
  let module = loaded.get(name);
  if (!module) {
    module = importRfcModule(name);
    loaded.set(name, module);
    module.catch(() => loaded.delete(name));
  }
  return module;
}

async function importRfcModule(name: string): Promise<NodeRfcModule> {
  let imported: Partial<NodeRfcModule> & { default?: Partial<NodeRfcModule> };
  try {
    imported = (await import(name)) as typeof imported;
  } catch (err) {
    throw new TunnelError('UNAVAILABLE', missingModuleMessage(name, err), { retryable: false, detail: { rfc_module: name, cause: errorCode(err) }, cause: err });
  }
  // node-rfc is CommonJS: its exports may arrive as named exports or only under `default`.
  const Client = imported.Client ?? imported.default?.Client;
  if (typeof Client !== 'function') throw new TunnelError('UNAVAILABLE', `the RFC module "${name}" has no Client export; it is not node-rfc compatible`, { retryable: false, detail: { rfc_module: name } });
  return { Client };
}

function missingModuleMessage(name: string, err: unknown): string {
  const reason = err instanceof Error ? err.message : String(err);
  if (name !== DEFAULT_RFC_MODULE) return `cannot load the RFC module "${name}": ${reason}`;
  return (
    `SAP connectivity needs node-rfc and SAP's NW RFC SDK, and it cannot be loaded (${reason}). ` +
    'Install the NW RFC SDK, set SAPNWRFC_HOME to its folder (on Linux add $SAPNWRFC_HOME/lib to LD_LIBRARY_PATH or ld.so.conf; ' +
    'on Windows put %SAPNWRFC_HOME%\\lib on PATH), then reinstall the agent so node-rfc builds'
  );
}

function errorCode(err: unknown): string {
  return (err as { code?: unknown })?.code ? String((err as { code: unknown }).code) : 'load_failed';
}

export interface NodeRfcPoolOptions {
  /** node-rfc connection parameters (ashost, sysnr, client, user, passwd, lang, ...). Never logged. */
  connectionParameters: Record<string, string>;
  /** Hard cap: connections in use at once; further acquires queue. */
  maxConnections: number;
  /** Seconds; node-rfc cancels a call that takes longer. */
  callTimeoutSeconds?: number;
}

/** A leased node-rfc Client behind our RfcConnection interface. */
class NodeRfcConnection implements RfcConnection {
  constructor(
    readonly client: NodeRfcClient,
    private readonly onCommunicationFailure: () => void,
  ) {}

  get alive(): boolean {
    return this.client.alive;
  }

  async call(functionModule: string, params: RfcParams, options: RfcCallOptions = {}): Promise<RfcParams> {
    const { signal } = options;
    if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new TunnelError('CANCELLED', `${functionModule} cancelled`);
    const onAbort = (): void => void this.cancel().catch(() => undefined);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return (await this.client.call(functionModule, params as NodeRfc.RfcObject)) as RfcParams;
    } catch (err) {
      if (signal?.aborted && signal.reason instanceof TunnelError) throw signal.reason;
      const error = rfcErrorToTunnelError(err, functionModule);
      if (error.detail['rfc_code'] === 'RFC_COMMUNICATION_FAILURE') this.onCommunicationFailure();
      throw error;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  async ping(): Promise<void> {
    try {
      await this.client.ping();
    } catch (err) {
      throw rfcErrorToTunnelError(err, 'RFC_PING');
    }
  }

  async cancel(): Promise<void> {
    await this.client.cancel();
  }
}

interface IdleClient {
  client: NodeRfcClient;
  /** The pool's failure generation when it went idle. */
  generation: number;
}

/**
 * One SAP system's connections, at most `maxConnections` in use at once (a FIFO gate: node-rfc's
 * Pool `high` is not a cap, so we keep the connections ourselves). A released connection is reset
 * (its uncommitted LUW discarded) and kept idle for the next caller. Once any call has seen a
 * communication failure, idle connections from before it are pinged before reuse: a restarted
 * SAP system leaves them all dead, and handing them out would fail one command per connection.
 */
export class NodeRfcConnectionPool implements RfcConnectionPool {
  private readonly gate: ConcurrencyGate;
  private idle: IdleClient[] = [];
  private generation = 0;
  private closed = false;

  constructor(
    private readonly module: NodeRfcModule,
    private readonly options: NodeRfcPoolOptions,
  ) {
    this.gate = new ConcurrencyGate(options.maxConnections);
  }

  get status(): RfcPoolStatus {
    return { leased: this.gate.active, queued: this.gate.queued, maxConnections: this.gate.limit };
  }

  async acquire(signal?: AbortSignal): Promise<RfcConnection> {
    if (this.closed) throw new TunnelError('UNAVAILABLE', 'the RFC connection pool is closed');
    await this.gate.enter(signal);
    try {
      return new NodeRfcConnection(await this.checkout(), () => (this.generation += 1));
    } catch (err) {
      this.gate.leave();
      throw err;
    }
  }

  async release(connection: RfcConnection): Promise<void> {
    const { client } = connection as NodeRfcConnection;
    try {
      if (this.closed || !client.alive) {
        await closeQuietly(client);
        return;
      }
      // Discards whatever the caller left uncommitted, so the next caller starts a clean LUW.
      await client.resetServerContext();
      this.idle.push({ client, generation: this.generation });
    } catch {
      await closeQuietly(client);
    } finally {
      this.gate.leave();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const idle = this.idle.splice(0);
    await Promise.all(idle.map(({ client }) => closeQuietly(client)));
  }

  private async checkout(): Promise<NodeRfcClient> {
    for (let entry = this.idle.pop(); entry; entry = this.idle.pop()) {
      if (entry.client.alive && (entry.generation === this.generation || (await pings(entry.client)))) return entry.client;
      await closeQuietly(entry.client);
    }
    const client = new this.module.Client(this.options.connectionParameters, this.options.callTimeoutSeconds ? { timeout: this.options.callTimeoutSeconds } : {});
    try {
      await client.open();
    } catch (err) {
      throw rfcErrorToTunnelError(err, 'RFC_OPEN');
    }
    return client;
  }
}

async function pings(client: NodeRfcClient): Promise<boolean> {
  try {
    await client.ping();
    return true;
  } catch {
    return false;
  }
}

async function closeQuietly(client: NodeRfcClient): Promise<void> {
  // A dead connection may refuse to close; there is nothing left to free then.
  await Promise.resolve()
    .then(() => client.close())
    .catch(() => undefined);
}
