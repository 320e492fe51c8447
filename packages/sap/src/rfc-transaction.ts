import { TunnelError } from '@mlc/tunnel';
import { formatReturnRow, isFailure, returnRows, type BapiReturnRow } from './bapi-return.js';
import type { RfcConnection, RfcParams } from './rfc-connector.js';

export interface TransactionCall {
  functionModule: string;
  params: RfcParams;
}

export interface TransactionCallResult {
  functionModule: string;
  /** Everything the call returned except RETURN. */
  exports: RfcParams;
  returnRows: BapiReturnRow[];
}

export interface TransactionOutcome {
  calls: TransactionCallResult[];
  commitReturn: BapiReturnRow[];
}

/** The agent commits and rolls back itself; a caller naming these would break the LUW. */
export const LUW_FUNCTION_MODULES = new Set(['BAPI_TRANSACTION_COMMIT', 'BAPI_TRANSACTION_ROLLBACK']);

/**
 * Runs BAPI calls as one LUW on ONE connection: any RETURN row of type E or A, or any exception,
 * rolls everything back (BAPI_TRANSACTION_ROLLBACK); otherwise BAPI_TRANSACTION_COMMIT with
 * WAIT = 'X' so the documents exist when we answer.
 */
export async function runRfcTransaction(connection: RfcConnection, calls: TransactionCall[], signal?: AbortSignal): Promise<TransactionOutcome> {
  const results: TransactionCallResult[] = [];
  for (const [index, call] of calls.entries()) {
    let result: RfcParams;
    try {
      result = await connection.call(call.functionModule, call.params, { signal });
    } catch (err) {
      await rollback(connection);
      throw annotate(err, { failed_call: String(index), phase: 'call' });
    }
    const rows = returnRows(result);
    results.push({ functionModule: call.functionModule, exports: withoutReturn(result), returnRows: rows });
    const failures = rows.filter(isFailure);
    if (failures.length > 0) {
      await rollback(connection);
      throw new TunnelError('BUSINESS_ERROR', `${call.functionModule} failed, rolled back: ${failures.map(formatReturnRow).join('; ')}`, {
        detail: { function_module: call.functionModule, failed_call: String(index), phase: 'call', return: JSON.stringify(rows), rolled_back: 'true' },
      });
    }
  }
  let commit: RfcParams;
  try {
    // No signal: once every call succeeded, a cancel must not cut the commit in half.
    commit = await connection.call('BAPI_TRANSACTION_COMMIT', { WAIT: 'X' });
  } catch (err) {
    // The commit may or may not have happened on the server: only a lookup can tell (e.g. the PO by REF_1).
    throw annotate(err, { phase: 'commit', outcome: 'unknown' }, false);
  }
  const commitReturn = returnRows(commit);
  const failures = commitReturn.filter(isFailure);
  if (failures.length > 0) {
    throw new TunnelError('BUSINESS_ERROR', `BAPI_TRANSACTION_COMMIT failed: ${failures.map(formatReturnRow).join('; ')}`, {
      detail: { function_module: 'BAPI_TRANSACTION_COMMIT', phase: 'commit', return: JSON.stringify(commitReturn) },
    });
  }
  return { calls: results, commitReturn };
}

async function rollback(connection: RfcConnection): Promise<void> {
  // After a communication failure or a short dump the server already discarded the LUW, and the
  // connection may be gone: a failing rollback changes nothing.
  if (!connection.alive) return;
  await connection.call('BAPI_TRANSACTION_ROLLBACK', {}).catch(() => undefined);
}

function withoutReturn(result: RfcParams): RfcParams {
  const { RETURN: _omitted, ...rest } = result;
  return rest;
}

function annotate(err: unknown, detail: Record<string, string>, retryable?: boolean): TunnelError {
  const error = err instanceof TunnelError ? err : new TunnelError('INTERNAL', err instanceof Error ? err.message : String(err), { cause: err });
  return new TunnelError(error.code, error.message, {
    retryable: retryable ?? error.retryable,
    detail: { ...error.detail, ...detail },
    retryAfterMs: error.retryAfterMs,
    cause: error,
  });
}
