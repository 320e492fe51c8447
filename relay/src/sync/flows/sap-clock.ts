import type { SapSite } from '../sap-site.js';

/** A moment on SAP's own clock (server local time, as change documents record it). */
export interface SapInstant {
  date: string; // YYYYMMDD
  time: string; // HHMMSS
}

/**
 * SAP's date and time now, from STFC_CONNECTION's RESPTEXT ("... Date: 20261123   Time: 101500").
 * Change documents are stamped with SAP's local clock, so watermarks must come from it, not ours.
 */
export async function sapNow(sap: SapSite): Promise<SapInstant> {
  const result = await sap.call('STFC_CONNECTION', { REQUTEXT: 'ml-connector clock' });
  const match = /Date:\s*(\d{8})\s+Time:\s*(\d{6})/.exec(String(result['RESPTEXT'] ?? ''));
  if (!match) throw new Error(`STFC_CONNECTION answered without SAP's date and time: "${String(result['RESPTEXT'])}"`);
  return { date: match[1] as string, time: match[2] as string };
}

export function laterOf(a: SapInstant, b: SapInstant): SapInstant {
  return `${a.date}${a.time}` >= `${b.date}${b.time}` ? a : b;
}

/** "UDATE/UTIME at or after the instant" in RFC_READ_TABLE's WHERE syntax. */
export function changedSinceWhere(since: SapInstant): string {
  return `( UDATE > '${since.date}' OR ( UDATE = '${since.date}' AND UTIME >= '${since.time}' ) )`;
}

/** The instant as epoch ms, reading SAP's local date and time in its time zone (IANA name). */
export function sapInstantToEpoch(at: SapInstant, timeZone: string): number {
  const asUtc = Date.UTC(Number(at.date.slice(0, 4)), Number(at.date.slice(4, 6)) - 1, Number(at.date.slice(6, 8)), Number(at.time.slice(0, 2)), Number(at.time.slice(2, 4)), Number(at.time.slice(4, 6)));
  return asUtc - offsetMs(asUtc, timeZone);
}

function offsetMs(epoch: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(new Date(epoch));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - Math.floor(epoch / 1000) * 1000;
}
