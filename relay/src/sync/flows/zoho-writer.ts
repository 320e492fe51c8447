import pRetry from 'p-retry';
import type { ZohoRecord, ZohoRecordResult } from '@mlc/zoho';
import type { FlowRun } from '../flow-run.js';
import type { FlowKey } from '../flow-keys.js';
import { classifyFailure } from '../record-failure.js';
import type { AttemptRecord, LinkRow } from '../sync-records.repository.js';
import { sameValues } from './same-values.js';

/** One record on its way to Zoho: its link, what SAP had, what Zoho gets, and the values both will share. */
export interface OutboundRecord {
  link: LinkRow;
  source: unknown;
  payload: ZohoRecord;
  values: Record<string, unknown>;
}

const BATCH_RETRY = { retries: 4, factor: 2, minTimeout: 500, maxTimeout: 8_000, randomize: true };

/**
 * Upserts records into a Zoho module in batches of 100 and journals each one. Records whose values
 * are what the link last synced are skipped without a call (a re-read, a replay of an unchanged
 * record). Zoho's per-record refusals are dead letters with Zoho's own message and field; a failure
 * of the whole call that outlives the retries leaves every record of it for the next run.
 */
export async function upsertToZoho(run: FlowRun<FlowKey>, module: string, duplicateCheckFields: readonly string[], outbound: readonly OutboundRecord[]): Promise<Map<string, string>> {
  /** Link id -> Zoho id of every record that is in Zoho now (written or unchanged). */
  const inZoho = new Map<string, string>();
  const skipped: AttemptRecord[] = [];
  const toWrite: OutboundRecord[] = [];
  for (const record of outbound) {
    if (record.link.status === 'synced' && record.link.zohoId && sameValues(record.link.syncedValues, record.values)) {
      inZoho.set(record.link.id, record.link.zohoId);
      skipped.push({ ...target(record.link), outcome: 'skipped', correlationId: run.newCorrelationId(), source: record.source, payload: record.payload, response: { reason: 'unchanged since the last sync' } });
    } else {
      toWrite.push(record);
    }
  }
  run.counts.recordsSeen += outbound.length;
  await run.journal(skipped);
  if (toWrite.length === 0) return inZoho;
  const correlationId = run.newCorrelationId();
  const request = { method: 'POST', path: `/crm/v8/${module}/upsert`, duplicate_check_fields: duplicateCheckFields, records: toWrite.length };
  let results: ZohoRecordResult[];
  try {
    const { records } = await run.zoho();
    results = await pRetry(() => records.upsert(module, toWrite.map((r) => r.payload), { duplicateCheckFields }), {
      ...BATCH_RETRY,
      signal: run.signal,
      shouldRetry: ({ error }) => classifyFailure(error).outcome === 'retry',
    });
  } catch (err) {
    const failure = run.signal.aborted ? { outcome: 'retry' as const, reason: 'the run stopped' } : classifyFailure(err);
    await journalStoring(run, toWrite, toWrite.map((r) => ({ ...target(r.link), outcome: failure.outcome, correlationId, source: r.source, payload: r.payload, request, error: failure.reason })));
    return inZoho;
  }
  await journalStoring(run, toWrite, toWrite.map((record, i) => {
    const result = results[i];
    const base = { ...target(record.link), correlationId, source: record.source, payload: record.payload, request };
    if (result?.ok) {
      inZoho.set(record.link.id, result.id);
      return { ...base, outcome: 'succeeded' as const, zohoId: result.id, syncedValues: record.values, response: { id: result.id, action: result.action } };
    }
    const field = result && typeof result.details['api_name'] === 'string' ? ` (field ${result.details['api_name']})` : '';
    const error = result ? `Zoho refused it: ${result.code} ${result.message}${field}` : 'Zoho returned no result for this record';
    return { ...base, outcome: 'dead' as const, response: result ?? null, error };
  }));
  return inZoho;
}

/** The link an attempt is on; a draft link (see SyncRecordsRepository.linksFor) is stored with it. */
function target(link: LinkRow): Pick<AttemptRecord, 'linkId' | 'draft'> {
  return link.draft ? { linkId: link.id, draft: { entity: link.entity, sapKey: link.sapKey, zohoId: link.zohoId } } : { linkId: link.id };
}

/** Journals the records' attempts; their draft links are stored links from then on. */
async function journalStoring(run: FlowRun<FlowKey>, records: readonly OutboundRecord[], attempts: AttemptRecord[]): Promise<void> {
  await run.journal(attempts);
  for (const record of records) delete record.link.draft;
}
