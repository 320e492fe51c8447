import { fieldOf, type TableDef } from '../ddic/ddic.js';
import type { EccDatabase } from './ecc-database.js';
import { rowKey, type Row } from './table-store.js';

export interface ChangeItem {
  tabname: string;
  tabkey: string;
  fname: string;
  chngind: 'U' | 'I' | 'D' | 'E';
  valueOld: string;
  valueNew: string;
}

export interface ChangeDocument {
  objectClass: 'DEBI' | 'KRED';
  objectId: string;
  user: string;
  tcode: string;
  changeInd: 'U' | 'I';
  items: ChangeItem[];
}

/**
 * Field-level differences as CDPOS records them. An insert is logged as one 'KEY' item, the way
 * SAP logs a new master record, rather than one item per field.
 */
export function diffRows(def: TableDef, before: Row | undefined, after: Row): ChangeItem[] {
  const tabkey = rowKey(def, after).trimEnd();
  if (!before) return [{ tabname: def.name, tabkey, fname: 'KEY', chngind: 'I', valueOld: '', valueNew: '' }];
  const items: ChangeItem[] = [];
  for (const f of def.fields) {
    if (f.key) continue;
    const old = before[f.name] ?? '';
    const now = after[f.name] ?? '';
    if (old !== now) items.push({ tabname: def.name, tabkey, fname: f.name, chngind: 'U', valueOld: old, valueNew: now });
  }
  return items;
}

export function writeChangeDocument(db: EccDatabase, doc: ChangeDocument): string | undefined {
  if (doc.items.length === 0) return undefined;
  const changenr = db.next('CHANGENR');
  const head = { OBJECTCLAS: doc.objectClass, OBJECTID: doc.objectId, CHANGENR: changenr };
  db.put('CDHDR', { ...head, USERNAME: doc.user, UDATE: db.clock.date(), UTIME: db.clock.time(), TCODE: doc.tcode, CHANGE_IND: doc.changeInd });
  const cdpos = db.mustTable('CDPOS').def;
  const width = (name: string): number => fieldOf(cdpos, name)?.length ?? 254;
  for (const item of doc.items) {
    db.put('CDPOS', {
      ...head, TABNAME: item.tabname, TABKEY: item.tabkey, FNAME: item.fname, CHNGIND: item.chngind,
      VALUE_NEW: item.valueNew.slice(0, width('VALUE_NEW')), VALUE_OLD: item.valueOld.slice(0, width('VALUE_OLD')),
    });
  }
  return changenr;
}
