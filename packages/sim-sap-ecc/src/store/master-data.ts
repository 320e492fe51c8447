import { coerce, fieldOf } from '../ddic/ddic.js';
import { diffRows, writeChangeDocument, type ChangeItem } from './change-documents.js';
import type { EccDatabase } from './ecc-database.js';
import { rowKey, type Row } from './table-store.js';

export type PartyKind = 'customer' | 'vendor';

const KIND = {
  customer: { objectClass: 'DEBI', numberField: 'KUNNR', general: 'KNA1', segments: ['KNA1', 'KNB1', 'KNVV', 'KNKK'], tcodes: ['XD01', 'XD02'] },
  vendor: { objectClass: 'KRED', numberField: 'LIFNR', general: 'LFA1', segments: ['LFA1', 'LFB1', 'LFM1'], tcodes: ['XK01', 'XK02'] },
} as const;

export interface SegmentInput {
  table: string;
  /** Field values in internal format; org-level segments include their org key (BUKRS, EKORG ...). */
  values: Record<string, string>;
}

export interface MasterDataInput {
  /** Empty to create with the next internal number. */
  number?: string;
  segments: SegmentInput[];
  user: string;
}

export type MasterDataPlan =
  | { ok: true; number: string; created: boolean; lockObject: string; apply: () => string | undefined }
  | { ok: false; reason: 'not-found' | 'invalid'; message: string; field?: string };

export function lockObjectOf(kind: PartyKind, number: string): string {
  return `${KIND[kind].general} ${number}`;
}

/**
 * Validates a create/change of a customer or vendor (XD01/XD02, XK01/XK02) and returns the update
 * that writes the rows and the change document (object class DEBI/KRED) in one go, to run at once
 * (a dialog save) or at COMMIT WORK (an RFC caller's LUW).
 */
export function planMasterData(db: EccDatabase, kind: PartyKind, input: MasterDataInput): MasterDataPlan {
  const spec = KIND[kind];
  const given = input.number ? input.number.padStart(10, '0') : '';
  const existing = given ? db.get(spec.general, { [spec.numberField]: given }) : undefined;
  if (given && !existing) return { ok: false, reason: 'not-found', message: `${kind === 'customer' ? 'Customer' : 'Vendor'} ${given} does not exist`, field: spec.numberField };
  const created = !existing;
  if (created && !input.segments.some((s) => s.table === spec.general)) {
    return { ok: false, reason: 'invalid', message: `General data (${spec.general}) is required to create a ${kind}`, field: spec.general };
  }
  const planned: Array<{ table: string; before: Row | undefined; after: Row }> = [];
  for (const seg of input.segments) {
    if (!(spec.segments as readonly string[]).includes(seg.table)) return { ok: false, reason: 'invalid', message: `Table ${seg.table} is not part of the ${kind} master`, field: seg.table };
    const def = db.mustTable(seg.table).def;
    const coerced: Row = {};
    for (const [name, value] of Object.entries(seg.values)) {
      const field = fieldOf(def, name);
      if (!field || name === 'MANDT' || name === spec.numberField) return { ok: false, reason: 'invalid', message: `Field ${seg.table}-${name} cannot be maintained`, field: name };
      coerced[name] = coerce(field, value);
    }
    const missingKey = def.fields.find((f) => f.key && f.name !== 'MANDT' && f.name !== spec.numberField && !coerced[f.name]);
    if (missingKey) return { ok: false, reason: 'invalid', message: `Enter ${missingKey.text} (${seg.table}-${missingKey.name})`, field: missingKey.name };
    planned.push({ table: seg.table, before: undefined, after: coerced });
  }
  const general = planned.find((p) => p.table === spec.general);
  if (created && (!general?.after.NAME1 || !general.after.LAND1)) {
    return { ok: false, reason: 'invalid', message: 'Fill in all required entry fields (NAME1, LAND1)', field: general?.after.NAME1 ? 'LAND1' : 'NAME1' };
  }
  const number = given || db.next(spec.numberField);
  const apply = (): string | undefined => {
    const items: ChangeItem[] = [];
    for (const p of planned) {
      const table = db.mustTable(p.table);
      const keyRow: Row = { ...p.after, MANDT: db.client, [spec.numberField]: number };
      const before = table.get(rowKey(table.def, keyRow));
      const after: Row = before
        ? { ...before, ...p.after }
        : { ...p.after, ERDAT: db.clock.date(), ERNAM: input.user, [spec.numberField]: number };
      db.put(p.table, after);
      items.push(...diffRows(table.def, before, { ...after, MANDT: db.client }));
    }
    return writeChangeDocument(db, {
      objectClass: spec.objectClass, objectId: number, user: input.user,
      tcode: created ? spec.tcodes[0] : spec.tcodes[1], changeInd: created ? 'I' : 'U', items,
    });
  };
  return { ok: true, number, created, lockObject: lockObjectOf(kind, number), apply };
}
