import { TunnelError } from '@mlc/tunnel';
import type * as NodeRfc from 'node-rfc';
import { ConcurrencyGate } from './concurrency-gate.js';
import type { RfcCallOptions, RfcConnection, RfcConnectionPool, RfcParams, RfcPoolStatus } from './rfc-connector.js';
import { rfcErrorToTunnelError } from './rfc-error.mapper.js';

/** node-rfc's module, as its own declarations (lib/*.d.ts) describe it; the simulator's client has the same API. */
export type NodeRfcModule = Pick<typeof NodeRfc, 'Pool'>;
type NodeRfcClient = NodeRfc.Client;
type NodeRfcPool = NodeRfc.Pool;

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
  const Pool = imported.Pool ?? imported.default?.Pool;
  if (typeof Pool !== 'function') throw new TunnelError('UNAVAILABLE', `the RFC module "${name}" has no Pool export; it is not node-rfc compatible`, { retryable: false, detail: { rfc_module: name } });
  return { Pool };
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

/** A pooled node-rfc Client behind our RfcConnection interface. */
class NodeRfcConnection implements RfcConnection {
  constructor(readonly client: NodeRfcClient) {}

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
      throw rfcErrorToTunnelError(err, functionModule);
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

/**
 * One SAP system's connections: node-rfc's Pool does the opening, resetting and reuse; a FIFO gate
 * in front of it is the hard cap, because the Pool's `high` is not one.
 */
export class NodeRfcConnectionPool implements RfcConnectionPool {
  private readonly gate: ConcurrencyGate;
  private readonly pool: NodeRfcPool;
  private closed = false;

  constructor(module: NodeRfcModule, options: NodeRfcPoolOptions) {
    this.gate = new ConcurrencyGate(options.maxConnections);
    this.pool = new module.Pool({
      connectionParameters: options.connectionParameters,
      clientOptions: options.callTimeoutSeconds ? { timeout: options.callTimeoutSeconds } : {},
      poolOptions: { low: 0, high: options.maxConnections },
    });
  }

  get status(): RfcPoolStatus {
    return { leased: this.gate.active, queued: this.gate.queued, maxConnections: this.gate.limit };
  }

  async acquire(signal?: AbortSignal): Promise<RfcConnection> {
    if (this.closed) throw new TunnelError('UNAVAILABLE', 'the RFC connection pool is closed');
    await this.gate.enter(signal);
    try {
      const client = (await this.pool.acquire()) as NodeRfcClient;
      return new NodeRfcConnection(client);
    } catch (err) {
      this.gate.leave();
      throw rfcErrorToTunnelError(err, 'RFC_OPEN');
    }
  }

  async release(connection: RfcConnection): Promise<void> {
    try {
      const client = (connection as NodeRfcConnection).client;
      // A connection that died (gateway gone) cannot be reset; closing it frees the Pool's lease.
      if (client.alive) await this.pool.release(client);
      else await Promise.resolve(client.close()).catch(() => undefined);
    } catch {
      // Releasing a broken connection may fail; the slot must be freed regardless.
    } finally {
      this.gate.leave();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.resolve(this.pool.closeAll()).catch(() => undefined);
  }
}
