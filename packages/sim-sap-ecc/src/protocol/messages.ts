import type { RfcError } from './rfc-errors.js';

/** What one RFC parameter can hold on the wire (JSON): node-rfc's default string/number mapping. */
export type RfcVariable = string | number;
export type RfcStructure = { [field: string]: RfcVariable | RfcStructure | RfcTable };
export type RfcTable = Array<RfcStructure | RfcVariable>;
export type RfcParameterValue = RfcVariable | RfcStructure | RfcTable;
export type RfcObject = { [param: string]: RfcParameterValue };

export interface LogonData {
  user: string;
  passwd: string;
  client: string;
  lang: string;
}

export interface SessionInfo {
  handle: number;
  sysId: string;
  client: string;
  user: string;
  language: string;
  host: string;
  sysNumber: string;
  rel: string;
  kernelRel: string;
}

export type ClientFrame =
  | { t: 'open'; id: number; logon: LogonData }
  | { t: 'call'; id: number; fm: string; params: RfcObject }
  | { t: 'ping'; id: number }
  | { t: 'reset'; id: number };

export type ServerFrame =
  | { t: 'opened'; id: number; session: SessionInfo }
  /** Rows of a big table parameter, sent ahead of its result (which holds that table empty). */
  | { t: 'rows'; id: number; param: string; rows: RfcTable }
  | { t: 'result'; id: number; result: RfcObject }
  | { t: 'error'; id: number; error: RfcError; endsSession: boolean };
