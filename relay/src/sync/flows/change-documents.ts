import type { SapSite } from '../sap-site.js';
import { changedSinceWhere, laterOf, type SapInstant } from './sap-clock.js';
import { quote } from './sap-values.js';

export interface ChangedObjects {
  /** Object ids (e.g. KUNNR, LIFNR in internal form) changed since the watermark. */
  ids: string[];
  /** The latest change of each object, on SAP's clock. */
  changedAt: Map<string, SapInstant>;
  /** The newest change seen; the next delta starts here (inclusive, so a second's late writes are kept). */
  watermark: SapInstant;
}

/**
 * Which master records changed, from the change-document headers (CDHDR) of the given object
 * classes (DEBI customers, KRED vendors, KLIM credit limits). A delta's cost grows with the number of
 * changes, not with the size of the master table.
 */
export async function changedObjects(sap: SapSite, objectClasses: readonly string[], since: SapInstant): Promise<ChangedObjects> {
  const classes = objectClasses.map(quote).join(', ');
  const rows = await sap.readAll({
    table: 'CDHDR',
    keyFields: ['OBJECTCLAS', 'OBJECTID', 'CHANGENR'],
    fields: ['OBJECTCLAS', 'OBJECTID', 'CHANGENR', 'UDATE', 'UTIME'],
    where: `OBJECTCLAS IN (${classes}) AND ${changedSinceWhere(since)}`,
  });
  let watermark = since;
  const changedAt = new Map<string, SapInstant>();
  for (const row of rows) {
    const id = String(row['OBJECTID']).trim();
    // The reader converts DATS/TIMS to ISO forms; the watermark keeps SAP's YYYYMMDD/HHMMSS.
    const date = String(row['UDATE'] ?? '').replaceAll('-', '');
    const time = String(row['UTIME'] ?? '').replaceAll(':', '');
    if (!/^\d{8}$/.test(date) || !/^\d{6}$/.test(time)) {
      changedAt.set(id, changedAt.get(id) ?? since);
      continue;
    }
    const at = { date, time };
    watermark = laterOf(watermark, at);
    changedAt.set(id, laterOf(changedAt.get(id) ?? at, at));
  }
  return { ids: [...changedAt.keys()], changedAt, watermark };
}
