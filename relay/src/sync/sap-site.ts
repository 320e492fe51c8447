import { TunnelError } from '@mlc/tunnel';
import type { AgentChannel } from '../tunnel/agent-channel.service.js';
import type { ReadTableRequest, RfcParams, RfcTransactionResult, SapCommands, SapRow } from '../sap/sap-commands.service.js';
import { isLockConflict, RecordRejected } from './record-failure.js';

export interface SapSiteOptions {
  readonly tenantId: string;
  readonly site: string;
  readonly profile: string;
  readonly correlationId?: string;
  readonly signal?: AbortSignal;
}

/**
 * One flow run's way into SAP: the tenant's agent site group and the agent's SAP profile. The agent is
 * chosen again before every attempt (a killed agent's group mate takes over), and every row read is
 * counted for the run's record.
 */
export class SapSite {
  rowsRead = 0;

  constructor(
    private readonly commands: SapCommands,
    private readonly channel: AgentChannel,
    private readonly options: SapSiteOptions,
  ) {}

  private readonly agent = (): Promise<string> => this.channel.agentOfGroup(this.options.tenantId, this.options.site);

  private callOptions(retries: number): { tenantId: string; retries: number; minBackoffMs: number; signal?: AbortSignal; correlationId?: string; deadlineMs: number } {
    return { tenantId: this.options.tenantId, retries, minBackoffMs: 300, signal: this.options.signal, correlationId: this.options.correlationId, deadlineMs: 60_000 };
  }

  /** A read-only RFC (retried on retryable failures). */
  call(functionModule: string, params: RfcParams): Promise<RfcParams> {
    return this.commands.rfcCall(this.agent, this.options.profile, functionModule, params, this.callOptions(3));
  }

  /**
   * A writing LUW, never retried here: a retry needs the caller's lookup first (did the last try
   * commit?). A RETURN of type E/A (rolled back by the agent) is the record's fault: RecordRejected,
   * except an object another session holds (ME 006), which stays a retryable SAP error.
   */
  async transaction(calls: Array<{ functionModule: string; params: RfcParams }>, correlationId: string): Promise<RfcTransactionResult> {
    try {
      return await this.commands.rfcTransaction(this.agent, this.options.profile, calls, { ...this.callOptions(0), correlationId });
    } catch (err) {
      if (err instanceof TunnelError && err.code === 'BUSINESS_ERROR' && !isLockConflict(err)) {
        throw new RecordRejected(`SAP refused it: ${err.message}`, { return: parseReturn(err.detail['return']) });
      }
      throw err;
    }
  }

  /**
   * Streams a table in batches; the start is retried, a broken stream fails the run's read.
   * `windowBytes`: how far the agent may read ahead of the consumer, for a read consumed only as
   * fast as something else goes (default: the tunnel session's window, 8 MiB).
   */
  async *read(request: ReadTableRequest, windowBytes?: number): AsyncGenerator<SapRow[]> {
    const options = { ...this.callOptions(3), ...(windowBytes === undefined ? {} : { streamWindowBytes: windowBytes }) };
    for await (const batch of this.commands.readTable(this.agent, this.options.profile, request, options)) {
      this.rowsRead += batch.length;
      yield batch;
    }
  }

  async readAll(request: ReadTableRequest): Promise<SapRow[]> {
    const rows: SapRow[] = [];
    for await (const batch of this.read(request)) rows.push(...batch);
    return rows;
  }

  /** Rows whose key field is one of `keys`, in IN-lists short enough for RFC_READ_TABLE's OPTIONS. */
  async readByKeys(request: Omit<ReadTableRequest, 'where'> & { where?: string }, keyField: string, keys: readonly string[]): Promise<SapRow[]> {
    const rows: SapRow[] = [];
    for (let at = 0; at < keys.length; at += 50) {
      const list = keys.slice(at, at + 50).map((key) => `'${key.replaceAll("'", "''")}'`).join(', ');
      const where = `${keyField} IN (${list})${request.where ? ` AND ${request.where}` : ''}`;
      rows.push(...(await this.readAll({ ...request, where, maxRows: 0 })));
    }
    return rows;
  }
}

function parseReturn(text: string | undefined): unknown {
  if (!text) return [];
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
