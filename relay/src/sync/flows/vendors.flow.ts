import { Injectable } from '@nestjs/common';
import type { ZohoRecord } from '@mlc/zoho';
import type { SapRow } from '../../sap/sap-commands.service.js';
import type { VendorsConfig } from '../flow-config.js';
import { VENDOR_FIELDS } from '../flow-config.js';
import type { AttemptContext, AttemptDone, FlowRun } from '../flow-run.js';
import type { FlowRunner } from '../flow-runner.js';
import { RecordRejected } from '../record-failure.js';
import type { LinkRow } from '../sync-records.repository.js';
import { ZohoInboxRepository, type InboxCursor } from '../zoho-inbox.repository.js';
import { changedObjects } from './change-documents.js';
import { sapInstantToEpoch, sapNow, type SapInstant } from './sap-clock.js';
import { displayNumber, internalNumber, quote, text } from './sap-values.js';
import { countryCode } from './country-code.js';
import { mergeVendor, type VendorValues } from './vendor-merge.js';
import { ZohoPoller } from './zoho-poller.js';
import { upsertToZoho, type OutboundRecord } from './zoho-writer.js';

type Run = FlowRun<'sap-vendors-zoho-vendors'>;

const MODULE = 'Vendors';
const LFA1_FIELDS = ['LIFNR', 'NAME1', 'STRAS', 'ORT01', 'PSTLZ', 'LAND1', 'TELF1', 'STCEG', 'ERDAT'];
const SAP_FIELD = { name: 'NAME1', street: 'STRAS', city: 'ORT01', postalCode: 'PSTLZ', country: 'LAND1', phone: 'TELF1', vatNumber: 'STCEG' } as const;

interface VendorState {
  initialDone?: boolean;
  cdhdr?: SapInstant;
  inbox?: InboxCursor;
}

/** One vendor to reconcile: its link (if any), and each side's current record. */
interface VendorPair {
  link: LinkRow;
  sapRow?: SapRow;
  zoho?: ZohoRecord;
  sapChangedAt?: number;
}

/**
 * SAP vendors <-> Zoho Vendors. SAP changes come from change documents (KRED), Zoho changes from the
 * inbox (webhooks and polls); each changed vendor is merged field by field against what was last
 * synced (field ownership, then last writer), and only the fields that differ are written. A Zoho
 * vendor without an SAP number is created in SAP through the configured function module.
 */
@Injectable()
export class VendorsFlow implements FlowRunner<'sap-vendors-zoho-vendors'> {
  readonly key = 'sap-vendors-zoho-vendors' as const;

  constructor(
    private readonly inbox: ZohoInboxRepository,
    private readonly poller: ZohoPoller,
  ) {}

  async run(run: Run): Promise<void> {
    const state = run.state as VendorState;
    await this.poller.poll(run, MODULE);
    const sapNowAt = state.initialDone && state.cdhdr ? undefined : await sapNow(run.sap);
    const sapSide = sapNowAt
      ? { ids: (await run.sap.readAll({ table: 'LFA1', keyFields: ['LIFNR'], fields: ['LIFNR'] })).map((row) => text(row, 'LIFNR')), changedAt: new Map<string, SapInstant>(), watermark: sapNowAt }
      : await changedObjects(run.sap, ['KRED'], state.cdhdr as SapInstant);
    const zohoSide = await this.inbox.changedSince(run.tenantId, MODULE, state.inbox ?? null, 100_000);

    const pairs = new Map<string, VendorPair>();
    for (const link of await run.records.ensureLinks(run.tenantId, 'vendor', run.flowKey, 'sap', sapSide.ids)) {
      const at = sapSide.changedAt.get(link.sapKey ?? '');
      pairs.set(link.id, { link, sapChangedAt: at ? sapInstantToEpoch(at, run.config.sapTimeZone) : undefined });
    }
    for (const record of zohoSide) {
      const link = await this.linkForZoho(run, record.data);
      const pair = pairs.get(link.id) ?? { link };
      pair.zoho = record.data;
      pairs.set(link.id, pair);
    }
    for (const link of await run.records.unfinished(run.tenantId, run.flowKey, 10_000)) if (!pairs.has(link.id)) pairs.set(link.id, { link });
    await this.load(run, [...pairs.values()]);
    await this.pairByName(run, pairs);
    const newInSap = [...pairs.values()].filter((p) => p.sapRow && !p.zoho && !p.link.zohoId && !p.link.syncedValues);
    await this.pushNew(run, newInSap);
    for (const pair of pairs.values()) {
      if (run.signal.aborted) return;
      if (newInSap.includes(pair)) continue;
      await run.attempt(pair.link, { LFA1: pair.sapRow ?? null, zoho: pair.zoho ?? null }, (attempt) => this.reconcile(run, pair, attempt));
    }
    const last = zohoSide.at(-1);
    await run.checkpoint({ initialDone: true, cdhdr: sapSide.watermark, ...(last ? { inbox: last.cursor } : {}) });
  }

  /**
   * A Zoho vendor without an SAP number and an SAP vendor Zoho has never seen that carry the same
   * name (case and spacing aside, and unique on both sides) are one vendor: they are paired, not
   * created again on either side. This is what a first sync of two systems kept by hand needs.
   */
  private async pairByName(run: Run, pairs: Map<string, VendorPair>): Promise<void> {
    const name = (value: unknown): string => String(value ?? '').trim().replace(/\s+/g, ' ').toLowerCase();
    const sapOnly = uniqueBy([...pairs.values()].filter((p) => p.sapRow && !p.zoho && !p.link.zohoId), (p) => name(p.sapRow?.['NAME1']));
    const zohoOnly = uniqueBy([...pairs.values()].filter((p) => p.zoho && !p.sapRow && !p.link.sapKey), (p) => name(p.zoho?.[run.config.fields.name]));
    for (const [key, zohoPair] of zohoOnly) {
      const sapPair = sapOnly.get(key);
      if (!key || !sapPair) continue;
      await run.records.adoptZohoLink(run.tenantId, sapPair.link.id, zohoPair.link.id);
      pairs.delete(zohoPair.link.id);
      sapPair.zoho = zohoPair.zoho;
      sapPair.link = { ...sapPair.link, zohoId: String(zohoPair.zoho?.id) };
    }
  }

  /**
   * SAP vendors Zoho has never seen (the first run, new vendors) go in batched upserts on the SAP
   * number field: there is nothing to merge, and 100 per call beats one call each.
   */
  private async pushNew(run: Run, pairs: VendorPair[]): Promise<void> {
    const config = run.config;
    const outbound: OutboundRecord[] = pairs.map((pair) => {
      const values = sapValues(pair.sapRow as SapRow);
      return { link: pair.link, source: { LFA1: pair.sapRow }, values, payload: { ...fullZoho(values, config), [config.keyField]: displayNumber(pair.link.sapKey ?? '') } };
    });
    for (let at = 0; at < outbound.length; at += 100) await upsertToZoho(run, MODULE, [config.keyField], outbound.slice(at, at + 100));
  }

  /** The vendor's link: by Zoho id, else by the SAP number typed into Zoho, else a new one for a new vendor. */
  private async linkForZoho(run: Run, record: ZohoRecord): Promise<LinkRow> {
    const zohoId = String(record.id);
    const byZoho = await run.records.findByZoho(run.tenantId, 'vendor', zohoId);
    if (byZoho) return byZoho;
    const typed = String(record[run.config.keyField] ?? '').trim();
    if (typed) {
      const [bySap] = await run.records.ensureLinks(run.tenantId, 'vendor', run.flowKey, 'sap', [internalNumber(typed, 10)]);
      if (bySap && !bySap.zohoId) {
        await run.records.setKeys(run.tenantId, bySap.id, { zohoId });
        return { ...bySap, zohoId };
      }
    }
    const [created] = await run.records.ensureLinks(run.tenantId, 'vendor', run.flowKey, 'zoho', [zohoId]);
    return created as LinkRow;
  }

  /** Current SAP rows and Zoho records for every pair (SAP in one keyed read, Zoho from the inbox). */
  private async load(run: Run, pairs: VendorPair[]): Promise<void> {
    const lifnrs = pairs.map((p) => p.link.sapKey).filter((k): k is string => k !== null);
    const rows = await run.sap.readByKeys({ table: 'LFA1', keyFields: ['LIFNR'], fields: LFA1_FIELDS }, 'LIFNR', lifnrs);
    const byLifnr = new Map(rows.map((row) => [text(row, 'LIFNR'), row]));
    for (const pair of pairs) {
      if (pair.link.sapKey) pair.sapRow = byLifnr.get(pair.link.sapKey);
      if (!pair.zoho && pair.link.zohoId) pair.zoho = await this.inbox.get(run.tenantId, MODULE, pair.link.zohoId);
    }
  }

  private async reconcile(run: Run, pair: VendorPair, attempt: AttemptContext): Promise<AttemptDone> {
    const config = run.config;
    const link = (await run.records.get(run.tenantId, pair.link.id)) ?? pair.link;
    const sap = pair.sapRow ? sapValues(pair.sapRow) : undefined;
    const zoho = pair.zoho ? zohoValues(pair.zoho, config) : undefined;
    if (!sap && !zoho) return { outcome: 'skipped' };
    const zohoChangedAt = typeof pair.zoho?.['Modified_Time'] === 'string' ? Date.parse(pair.zoho['Modified_Time']) : undefined;
    const merge = mergeVendor({ sap, zoho, synced: (link.syncedValues as VendorValues | null) ?? undefined, sapChangedAt: pair.sapChangedAt, zohoChangedAt }, config.ownership);
    attempt.report.payload = { merged: merge.merged, toSap: merge.toSap, toZoho: merge.toZoho, conflicts: merge.conflicts };
    let lifnr = link.sapKey ?? undefined;
    if (!lifnr) lifnr = await this.createInSap(run, link, merge.merged, attempt);
    else if (Object.keys(merge.toSap).length > 0) await this.changeInSap(run, lifnr, merge.toSap, attempt);
    const zohoId = await this.writeZoho(run, link.zohoId ?? (pair.zoho ? String(pair.zoho.id) : undefined), lifnr, merge, pair.zoho, attempt);
    const wrote = Object.keys(merge.toSap).length > 0 || !link.sapKey || zohoId !== link.zohoId || Object.keys(merge.toZoho).length > 0;
    return { outcome: wrote ? 'succeeded' : 'skipped', sapKey: lifnr, zohoId, syncedValues: merge.merged };
  }

  private async createInSap(run: Run, link: LinkRow, values: VendorValues, attempt: AttemptContext): Promise<string> {
    const config = run.config;
    if (!values.name) throw new RecordRejected('the Zoho vendor has no name, which SAP needs (LFA1-NAME1)');
    // A try that crashed after its commit left the link "writing": look for the vendor it made.
    if (link.status === 'writing') {
      const found = await this.findCreated(run, values.name);
      if (found) return found;
    }
    const params = {
      I_LIFNR: '', I_TESTRUN: '',
      IS_LFA1: { ...sapStructure(values), KTOKK: config.accountGroup, SPRAS: 'E' },
      IS_LFB1: { BUKRS: config.companyCode, AKONT: internalNumber(config.reconciliationAccount, 10), ZTERM: '0001' },
      IS_LFM1: { EKORG: config.purchasingOrg, WAERS: 'EUR' },
    };
    attempt.report.request = { functionModule: config.vendorFunctionModule, params };
    await run.records.markWriting(run.tenantId, link.id, attempt.correlationId);
    const result = await run.sap.transaction([{ functionModule: config.vendorFunctionModule, params }], attempt.correlationId);
    const lifnr = String(result.calls[0]?.exports['E_LIFNR'] ?? '').trim();
    attempt.report.response = { E_LIFNR: lifnr, RETURN: result.calls[0]?.returnRows ?? [] };
    if (!lifnr) throw new RecordRejected(`${config.vendorFunctionModule} created no vendor number`);
    await run.records.setKeys(run.tenantId, link.id, { sapKey: lifnr });
    return lifnr;
  }

  private async findCreated(run: Run, name: string): Promise<string | undefined> {
    const rows = await run.sap.readAll({ table: 'LFA1', keyFields: ['LIFNR'], fields: ['LIFNR', 'NAME1'], where: `NAME1 = ${quote(name.slice(0, 35))}` });
    const unlinked: string[] = [];
    for (const row of rows) if (!(await run.records.findBySap(run.tenantId, 'vendor', text(row, 'LIFNR')))) unlinked.push(text(row, 'LIFNR'));
    return unlinked.length === 1 ? unlinked[0] : undefined;
  }

  private async changeInSap(run: Run, lifnr: string, change: Partial<VendorValues>, attempt: AttemptContext): Promise<void> {
    const params = { I_LIFNR: lifnr, I_TESTRUN: '', ...sapChange(change) };
    attempt.report.request = { functionModule: run.config.vendorFunctionModule, params };
    const result = await run.sap.transaction([{ functionModule: run.config.vendorFunctionModule, params }], attempt.correlationId);
    attempt.report.response = { RETURN: result.calls[0]?.returnRows ?? [] };
  }

  private async writeZoho(run: Run, zohoId: string | undefined, lifnr: string, merge: ReturnType<typeof mergeVendor>, current: ZohoRecord | undefined, attempt: AttemptContext): Promise<string> {
    const config = run.config;
    const keyValue = displayNumber(lifnr);
    const record: ZohoRecord = {};
    for (const [field, value] of Object.entries(merge.toZoho)) record[config.fields[field as keyof VendorsConfig['fields']]] = value;
    if (String(current?.[config.keyField] ?? '') !== keyValue) record[config.keyField] = keyValue;
    if (zohoId && Object.keys(record).length === 0) return zohoId;
    const { records } = await run.zoho();
    const zohoRequest = zohoId ? { ...record, id: zohoId } : { ...fullZoho(merge.merged, config), [config.keyField]: keyValue };
    attempt.report.response = { ...(attempt.report.response as object | undefined), zohoRequest };
    const [result] = zohoId ? await records.update(MODULE, [zohoRequest]) : await records.upsert(MODULE, [zohoRequest], { duplicateCheckFields: [config.keyField] });
    if (!result?.ok) throw new RecordRejected(`Zoho refused the vendor: ${result ? `${result.code} ${result.message}` : 'no result'}`, result?.details ?? {});
    return result.id;
  }
}

/** Items by key, leaving out every key that more than one item has (an ambiguous match is no match). */
function uniqueBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T> {
  const seen = new Map<string, T | null>();
  for (const item of items) {
    const key = keyOf(item);
    seen.set(key, seen.has(key) ? null : item);
  }
  return new Map([...seen].filter((entry): entry is [string, T] => entry[1] !== null));
}

function sapValues(row: SapRow): VendorValues {
  return Object.fromEntries(VENDOR_FIELDS.map((f) => [f, text(row, SAP_FIELD[f]) || null])) as VendorValues;
}

function zohoValues(record: ZohoRecord, config: VendorsConfig): VendorValues {
  const values = Object.fromEntries(VENDOR_FIELDS.map((f) => {
    const value = record[config.fields[f]];
    return [f, value === null || value === undefined || value === '' ? null : String(value)];
  })) as VendorValues;
  return { ...values, country: countryCode(values.country) };
}

function fullZoho(values: VendorValues, config: VendorsConfig): ZohoRecord {
  return Object.fromEntries(VENDOR_FIELDS.map((f) => [config.fields[f], values[f]]));
}

/**
 * A change for the vendor RFC: the new values in IS_LFA1 and every changed field flagged in IS_LFA1X
 * (BAPIs' DATAX convention), so a field cleared in Zoho is cleared in SAP, where a blank alone means
 * "no change".
 */
function sapChange(change: Partial<VendorValues>): { IS_LFA1: Record<string, string>; IS_LFA1X: Record<string, string> } {
  const changed = VENDOR_FIELDS.filter((f) => f in change);
  return {
    IS_LFA1: Object.fromEntries(changed.map((f) => [SAP_FIELD[f], change[f] ?? ''])),
    IS_LFA1X: Object.fromEntries(changed.map((f) => [SAP_FIELD[f], 'X'])),
  };
}

/** LFA1-shaped fields of a new vendor: the ones with a value. */
function sapStructure(values: Partial<VendorValues>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of VENDOR_FIELDS) {
    const value = values[f];
    if (value !== undefined && value !== null && value !== '') out[SAP_FIELD[f]] = value;
  }
  return out;
}
