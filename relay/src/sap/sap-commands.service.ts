import { Injectable } from '@nestjs/common';
import { AgentChannel, type AgentCallOptions } from '../tunnel/agent-channel.service.js';
import { agentOf, expectBody, withCommandRetry, type AgentRef, type CommandRetryOptions } from '../tunnel/agent-command-retry.js';

export type RfcParams = Record<string, unknown>;

export interface BapiReturnRow {
  TYPE: string;
  ID: string;
  NUMBER: string;
  MESSAGE: string;
  [field: string]: unknown;
}

export interface RfcTransactionCallResult {
  functionModule: string;
  exports: RfcParams;
  returnRows: BapiReturnRow[];
}

export interface RfcTransactionResult {
  calls: RfcTransactionCallResult[];
  commitReturn: BapiReturnRow[];
}

export interface ReadTableRequest {
  table: string;
  /** The table's key fields without the client, leading key first (e.g. ["KUNNR"]). */
  keyFields: string[];
  /** Columns; empty = all. */
  fields?: string[];
  /** RFC_READ_TABLE WHERE syntax, e.g. "LAND1 = 'DE'". */
  where?: string;
  alphaFields?: string[];
  /** 0 = up to the agent's row cap for the table. */
  maxRows?: number;
  pageSize?: number;
}

export type SapRow = Record<string, string | number | null>;

export type { AgentRef };


/** A call's deadline and signal, and how it is retried (see withCommandRetry). */
export interface SapCallOptions extends AgentCallOptions, CommandRetryOptions {}

/**
 * The relay's typed way to run RFC work on an agent's SAP profile. Retryable failures (system or
 * communication failure, agent offline) are retried with exponential backoff and jitter; business
 * errors (BAPI RETURN E/A, ABAP exceptions) and policy denials come back at once, as TunnelError.
 */
@Injectable()
export class SapCommands {
  constructor(private readonly channel: AgentChannel) {}

  async rfcCall(agent: AgentRef, profile: string, functionModule: string, params: RfcParams, options: SapCallOptions = {}): Promise<RfcParams> {
    const result = await withCommandRetry(options, async () =>
      this.channel.call(await agentOf(agent), { body: 'rfc_call', rfc_call: { profile, function_module: functionModule, params_json: JSON.stringify(params) } }, options),
    );
    return JSON.parse(expectBody(result, 'rfc_call').rfc_call.result_json) as RfcParams;
  }

  /**
   * Runs the calls as one LUW on one connection. A retry is safe: a failed attempt was rolled back
   * (a lost commit answer is not retryable: its detail says outcome "unknown").
   */
  async rfcTransaction(agent: AgentRef, profile: string, calls: Array<{ functionModule: string; params: RfcParams }>, options: SapCallOptions = {}): Promise<RfcTransactionResult> {
    const body = { profile, calls: calls.map((c) => ({ function_module: c.functionModule, params_json: JSON.stringify(c.params) })) };
    const result = expectBody(await withCommandRetry(options, async () => this.channel.call(await agentOf(agent), { body: 'rfc_transaction', rfc_transaction: body }, options)), 'rfc_transaction');
    return {
      calls: result.rfc_transaction.calls.map((c) => ({ functionModule: c.function_module, exports: JSON.parse(c.exports_json) as RfcParams, returnRows: JSON.parse(c.return_json) as BapiReturnRow[] })),
      commitReturn: JSON.parse(result.rfc_transaction.commit_return_json) as BapiReturnRow[],
    };
  }

  /**
   * Streams a table's rows as the agent reads them, with backpressure end to end. Only the start is
   * retried: once rows have been handed out, a retry would repeat them.
   */
  async *readTable(agent: AgentRef, profile: string, request: ReadTableRequest, options: SapCallOptions = {}): AsyncGenerator<SapRow[], { rows: number }> {
    const body = {
      profile, table: request.table, fields: request.fields ?? [], key_fields: request.keyFields, where: request.where ?? '',
      alpha_fields: request.alphaFields ?? [], max_rows: request.maxRows ?? 0, page_size: request.pageSize ?? 0,
    };
    const stream = await withCommandRetry(options, async () => this.channel.stream(await agentOf(agent), { body: 'rfc_read_table', rfc_read_table: body }, options));
    let rows = 0;
    for await (const chunk of stream) {
      // The agent sends whole NDJSON lines per chunk: one JSON.parse of the chunk as an array is
      // much cheaper than one per line.
      const text = chunk.toString('utf8').trimEnd();
      const batch = text === '' ? [] : (JSON.parse(`[${text.replaceAll('\n', ',')}]`) as SapRow[]);
      rows += batch.length;
      yield batch;
    }
    await stream.end;
    return { rows };
  }

}

