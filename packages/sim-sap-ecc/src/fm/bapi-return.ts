import type { RfcStructure } from '../protocol/messages.js';

export type MsgType = 'S' | 'E' | 'W' | 'I' | 'A';

export interface BapiMessage {
  type: MsgType;
  id: string;
  number: string;
  /** Text with &1..&4 (or &) placeholders, as in table T100. */
  text: string;
  v?: string[];
  parameter?: string;
  row?: number;
  field?: string;
}

export function messageText(text: string, v: string[] = []): string {
  let n = 0;
  return text.replace(/&(\d)?/g, (_m, d: string | undefined) => v[d ? Number(d) - 1 : n++] ?? '').replace(/\s+/g, ' ').trim();
}

/** A BAPIRET2 row. */
export function bapiret2(m: BapiMessage, system: string): RfcStructure {
  const v = m.v ?? [];
  return {
    TYPE: m.type, ID: m.id, NUMBER: m.number, MESSAGE: messageText(m.text, v).slice(0, 220),
    LOG_NO: '', LOG_MSG_NO: '000000',
    MESSAGE_V1: (v[0] ?? '').slice(0, 50), MESSAGE_V2: (v[1] ?? '').slice(0, 50),
    MESSAGE_V3: (v[2] ?? '').slice(0, 50), MESSAGE_V4: (v[3] ?? '').slice(0, 50),
    PARAMETER: m.parameter ?? '', ROW: m.row ?? 0, FIELD: m.field ?? '', SYSTEM: system,
  };
}

/** A BAPIRET1 row (no PARAMETER/ROW/FIELD/SYSTEM). */
export function bapiret1(m: BapiMessage): RfcStructure {
  const v = m.v ?? [];
  return {
    TYPE: m.type, ID: m.id, NUMBER: m.number, MESSAGE: messageText(m.text, v).slice(0, 220),
    LOG_NO: '', LOG_MSG_NO: '000000',
    MESSAGE_V1: v[0] ?? '', MESSAGE_V2: v[1] ?? '', MESSAGE_V3: v[2] ?? '', MESSAGE_V4: v[3] ?? '',
  };
}

export function hasError(messages: BapiMessage[]): boolean {
  return messages.some((m) => m.type === 'E' || m.type === 'A');
}

export const BAPIRET2_FIELDS = 'TYPE ID NUMBER MESSAGE LOG_NO LOG_MSG_NO:N MESSAGE_V1 MESSAGE_V2 MESSAGE_V3 MESSAGE_V4 PARAMETER ROW:I FIELD SYSTEM';
export const BAPIRET1_FIELDS = 'TYPE ID NUMBER MESSAGE LOG_NO LOG_MSG_NO:N MESSAGE_V1 MESSAGE_V2 MESSAGE_V3 MESSAGE_V4';
