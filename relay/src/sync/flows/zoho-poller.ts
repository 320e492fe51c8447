import { Injectable } from '@nestjs/common';
import { ZohoRecordStore } from '../../zoho/zoho-record-store.service.js';
import type { FlowRun } from '../flow-run.js';
import type { FlowKey } from '../flow-keys.js';

/** Re-reads records changed this long before the watermark: Zoho's clock and ours are not one clock. */
const OVERLAP_MS = 60_000;

/**
 * The polling half of "on webhook or poll": every `zohoPollMs` a flow asks Zoho for the module's
 * records modified since its watermark and stores them in the inbox, so a lost webhook, an org
 * without watch channels (Standard edition) or a relay that was down loses nothing.
 */
@Injectable()
export class ZohoPoller {
  constructor(private readonly store: ZohoRecordStore) {}

  /** `notBefore` (ms): where a first poll starts, instead of every record of the module. */
  async poll(run: FlowRun<FlowKey>, module: string, notBefore?: number): Promise<number> {
    const config = run.config as { zohoPollMs?: number };
    const stateKey = `zohoPoll:${module}`;
    const last = (run.state[stateKey] ?? {}) as { polledAt?: number; watermark?: number };
    if (!config.zohoPollMs || (last.polledAt && Date.now() - last.polledAt < config.zohoPollMs)) return 0;
    const { records } = await run.zoho();
    const since = last.watermark ? new Date(last.watermark - OVERLAP_MS) : notBefore !== undefined ? new Date(notBefore) : undefined;
    let watermark = last.watermark ?? 0;
    let stored = 0;
    for await (const page of records.list(module, { fields: ['Modified_Time'], sortBy: 'Modified_Time', sortOrder: 'asc', modifiedSince: since })) {
      for (const summary of page) {
        const record = await records.get(module, String(summary.id));
        if (!record) continue;
        await this.store.save(run.tenantId, module, record);
        stored += 1;
        const modified = typeof record['Modified_Time'] === 'string' ? Date.parse(record['Modified_Time']) : Number.NaN;
        if (Number.isFinite(modified) && modified > watermark) watermark = modified;
      }
    }
    await run.checkpoint({ [stateKey]: { polledAt: Date.now(), watermark } });
    return stored;
  }
}
