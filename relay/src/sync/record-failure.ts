import { TunnelError } from '@mlc/tunnel';
import { ZohoApiError, ZohoBudgetExhaustedError, ZohoNetworkError, ZohoOAuthError } from '@mlc/zoho';
import { DomainError } from '../common/domain-error.js';

/**
 * A record the target refused for a business reason (BAPI RETURN E/A, Zoho INVALID_DATA) or that the
 * mapping cannot carry (an unlinked vendor, an unmapped product). Retrying cannot help: it goes to the
 * dead letters with this message, which says what a person has to fix.
 */
export class RecordRejected extends Error {
  override readonly name = 'RecordRejected';
  constructor(message: string, readonly detail: Record<string, unknown> = {}) {
    super(message);
  }
}

export interface Failure {
  readonly outcome: 'retry' | 'dead';
  readonly reason: string;
}

/** Who must act on a failed attempt: time (retry later) or a person (dead letter, with the reason). */
export function classifyFailure(err: unknown): Failure {
  if (err instanceof RecordRejected) return { outcome: 'dead', reason: err.message };
  if (err instanceof TunnelError) {
    // A lost commit answer is "not retryable" for a blind retry, but every flow that writes SAP
    // looks the document up by its reference before it tries again: for the engine it is a retry.
    if (err.retryable || err.detail['outcome'] === 'unknown') return { outcome: 'retry', reason: `${err.code}: ${err.message}` };
    // An object locked by another session (ME 006 "User X already processing vendor Y") clears when
    // that session ends: a person has nothing to fix, so it waits and goes again.
    if (err.code === 'BUSINESS_ERROR' && isLockConflict(err)) return { outcome: 'retry', reason: `SAP object locked, trying again later: ${err.message}` };
    return { outcome: 'dead', reason: tunnelReason(err) };
  }
  if (err instanceof ZohoApiError) {
    if (err.retryable || err.invalidToken) return { outcome: 'retry', reason: err.message };
    const field = typeof err.details['api_name'] === 'string' ? ` (field ${err.details['api_name']})` : '';
    return { outcome: 'dead', reason: `${err.message}${field}` };
  }
  // Zoho unreachable for longer than the client's retries: the next run tries again.
  if (err instanceof ZohoNetworkError) return { outcome: 'retry', reason: err.message };
  // The tenant's Zoho connection needs a person, but the record itself is fine: it waits.
  if (err instanceof ZohoOAuthError || err instanceof ZohoBudgetExhaustedError || (err instanceof DomainError && err.code !== 'INVALID_INPUT')) {
    return { outcome: 'retry', reason: err.message };
  }
  if (err instanceof DomainError) return { outcome: 'dead', reason: err.message };
  return { outcome: 'dead', reason: `internal error: ${err instanceof Error ? err.message : String(err)}` };
}

/**
 * SAP's lock messages: ME 006 for purchasing documents and vendors; the text for the others ("User X
 * already processing ...", "Vendor 1000 is being processed by user X", "... is locked by user X").
 */
const LOCK_TEXT = /already processing|being processed by|is locked by|currently locked/i;

/** Whether an SAP business error is only another session holding the object (it clears by itself). */
export function isLockConflict(err: TunnelError): boolean {
  let rows: unknown;
  try {
    rows = JSON.parse(err.detail['return'] ?? 'null');
  } catch {
    rows = null;
  }
  // Without the RETURN rows, the message lists the failures as "E ME 006: text".
  if (!Array.isArray(rows)) return /\b[EA] ME 006:/.test(err.message) || LOCK_TEXT.test(err.message);
  return rows.some((row: Record<string, unknown>) => {
    if (!['E', 'A'].includes(String(row['TYPE'] ?? '').trim())) return false;
    const id = `${String(row['ID'] ?? '').trim()} ${String(row['NUMBER'] ?? '').trim()}`;
    return id === 'ME 006' || LOCK_TEXT.test(String(row['MESSAGE'] ?? ''));
  });
}

function tunnelReason(err: TunnelError): string {
  if (err.code === 'POLICY_DENIED') return `the agent's local policy refused it: ${err.message} (allow it in the agent's agent.json policy, then replay)`;
  if (err.code === 'BUSINESS_ERROR') return `SAP refused it: ${err.message}`;
  return `${err.code}: ${err.message}`;
}
