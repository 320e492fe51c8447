export type {
  RfcObject,
  RfcParameterValue,
  RfcStructure,
  RfcTable,
  RfcVariable,
} from '../protocol/messages.js';
export type { RfcError } from '../protocol/rfc-errors.js';

/**
 * node-rfc's connection parameters (strings). The simulator reads ashost, sysnr, client, user,
 * passwd, lang and, to reach a simulator on an arbitrary port, a numeric gwserv (a real gateway
 * service may also be given as a port number). Without gwserv the port is 33<sysnr>, as for a
 * real ABAP server's RFC port.
 */
export type RfcConnectionParameters = Partial<
  Record<
    | 'ashost' | 'sysnr' | 'client' | 'user' | 'passwd' | 'lang' | 'gwhost' | 'gwserv'
    | 'mshost' | 'msserv' | 'sysid' | 'group' | 'dest' | 'saprouter' | 'trace' | 'use_tls'
    | 'snc_mode' | 'snc_qop' | 'snc_myname' | 'snc_partnername' | 'snc_lib'
    | 'ASHOST' | 'SYSNR' | 'CLIENT' | 'USER' | 'PASSWD' | 'LANG' | 'GWSERV' | 'GWHOST' | 'MSHOST',
    string
  >
>;

export interface RfcTypeConversion {
  toABAP: (value: unknown) => unknown;
  fromABAP: (value: unknown) => unknown;
}

export interface RfcClientOptions {
  bcd?: string | ((value: string) => unknown);
  date?: RfcTypeConversion;
  time?: RfcTypeConversion;
  filter?: number;
  stateless?: boolean;
  /** Seconds, as in node-rfc: the call is cancelled after this long. */
  timeout?: number;
  logLevel?: number;
}

export interface RfcCallOptions {
  notRequested?: Array<string>;
  /** Seconds, as in node-rfc. */
  timeout?: number;
}

export interface RfcClientConfig {
  connectionParameters: RfcConnectionParameters;
  clientOptions?: RfcClientOptions;
}

export interface RfcConnectionInfo {
  dest: string;
  host: string;
  partnerHost: string;
  sysNumber: string;
  sysId: string;
  client: string;
  user: string;
  language: string;
  trace: string;
  isoLanguage: string;
  codepage: string;
  partnerCodepage: string;
  rfcRole: string;
  type: string;
  partnerType: string;
  rel: string;
  partnerRel: string;
  kernelRel: string;
  cpicConvId: string;
  progName: string;
  partnerBytesPerChar: string;
  partnerSystemCodepage: string;
  partnerIP: string;
  partnerIPv6: string;
}

export interface RfcPoolOptions {
  low: number;
  high: number;
  logLevel?: number;
}

export interface RfcPoolStatus {
  ready: number;
  leased: number;
}

export interface RfcPoolConfiguration {
  connectionParameters: RfcConnectionParameters;
  clientOptions?: RfcClientOptions;
  poolOptions?: RfcPoolOptions;
}

export type RfcCallback<T> = (err: unknown, result?: T) => void;
