import type { ZohoRecord } from '@mlc/zoho';
import type { FlowRun } from '../flow-run.js';
import type { FlowKey } from '../flow-keys.js';

/** How long before a flow's first run a record may have been made and still be taken: Zoho's clock is not ours. */
const CLOCK_TOLERANCE_MS = 5 * 60_000;
const STATE_KEY = 'newRecordsFrom';

/**
 * Since when (ms) a flow fed by Zoho takes records: the time of its first run (kept in its state),
 * or undefined when its config says `existingRecords: "import"`.
 */
export async function newRecordsFrom(run: FlowRun<FlowKey>): Promise<number | undefined> {
  if ((run.config as { existingRecords?: string }).existingRecords === 'import') return undefined;
  const kept = run.state[STATE_KEY];
  if (typeof kept === 'number') return kept;
  const from = Date.now() - CLOCK_TOLERANCE_MS;
  await run.checkpoint({ [STATE_KEY]: from });
  return from;
}

/** Whether Zoho made the record at or after `from` (a record without Created_Time is taken). */
export function madeSince(record: ZohoRecord, from: number | undefined): boolean {
  if (from === undefined) return true;
  const created = Date.parse(String(record['Created_Time'] ?? ''));
  return !Number.isFinite(created) || created >= from;
}

/** Whether a flow fed by Zoho takes a record: its status is one of `statuses` (none = any) and it is new enough. */
export function takesRecord(record: ZohoRecord, statuses: readonly string[], from: number | undefined): boolean {
  return (statuses.length === 0 || statuses.includes(String(record['Status'] ?? ''))) && madeSince(record, from);
}
