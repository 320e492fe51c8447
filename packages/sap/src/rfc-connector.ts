/**
 * Our own small view of an RFC library: just what the executor needs. node-rfc (and the simulator's
 * client, which speaks node-rfc's API) sit behind it through NodeRfcConnector, so the executor and
 * its tests never touch a library type.
 */

/** Parameters and results of a function module call, as node-rfc passes them (JSON-compatible). */
export type RfcParams = Record<string, unknown>;

export interface RfcCallOptions {
  /** Cancels the call on the server (node-rfc `cancel()`); the connection is then reopened. */
  signal?: AbortSignal;
}

/** One stateful connection: BAPI work stays on it until BAPI_TRANSACTION_COMMIT on the same one. */
export interface RfcConnection {
  readonly alive: boolean;
  call(functionModule: string, params: RfcParams, options?: RfcCallOptions): Promise<RfcParams>;
  ping(): Promise<void>;
  cancel(): Promise<void>;
}

export interface RfcPoolStatus {
  /** Connections leased right now; never above `maxConnections`. */
  leased: number;
  /** Acquires waiting for a free slot. */
  queued: number;
  maxConnections: number;
}

/** The connections to one SAP system, at most `maxConnections` in use at once. */
export interface RfcConnectionPool {
  /** Waits (FIFO) for a free slot; rejects with the signal's reason when it aborts first. */
  acquire(signal?: AbortSignal): Promise<RfcConnection>;
  /** Returns a connection; its uncommitted work is discarded (the library resets it). */
  release(connection: RfcConnection): Promise<void>;
  readonly status: RfcPoolStatus;
  close(): Promise<void>;
}

/** Runs `work` on a pooled connection and always gives the connection back. */
export async function withConnection<T>(pool: RfcConnectionPool, signal: AbortSignal | undefined, work: (connection: RfcConnection) => Promise<T>): Promise<T> {
  const connection = await pool.acquire(signal);
  try {
    return await work(connection);
  } finally {
    await pool.release(connection);
  }
}
