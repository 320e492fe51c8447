/**
 * node-rfc rejects with plain objects, not Error instances; these builders reproduce the shapes its
 * own test-suite asserts (SAP/node-rfc test/errors/*.spec.ts), including the RFC_ERROR_GROUP numbers.
 */
export type RfcErrorName = 'RfcLibError' | 'ABAPError' | 'nodeRfcError' | 'TypeError';

export interface RfcError {
  name: RfcErrorName;
  message: string;
  group?: number;
  code?: number;
  codeString?: string;
  key?: string;
  abapMsgClass?: string;
  abapMsgType?: string;
  abapMsgNumber?: string;
  abapMsgV1?: string;
  abapMsgV2?: string;
  abapMsgV3?: string;
  abapMsgV4?: string;
}

/** RFC_ERROR_GROUP of the NW RFC SDK. */
export const RfcErrorGroup = {
  ABAP_APPLICATION_FAILURE: 1,
  ABAP_RUNTIME_FAILURE: 2,
  LOGON_FAILURE: 3,
  COMMUNICATION_FAILURE: 4,
  EXTERNAL_RUNTIME_FAILURE: 5,
} as const;

/** RFC_RC codes the simulator produces. */
export const RfcRc = {
  RFC_COMMUNICATION_FAILURE: 1,
  RFC_LOGON_FAILURE: 2,
  RFC_ABAP_RUNTIME_FAILURE: 3,
  RFC_ABAP_MESSAGE: 4,
  RFC_ABAP_EXCEPTION: 5,
  RFC_CANCELED: 7,
  RFC_INVALID_PARAMETER: 20,
} as const;

export type RfcRcName = keyof typeof RfcRc;

function libError(codeString: RfcRcName, group: number, message: string): RfcError {
  return { name: 'RfcLibError', group, code: RfcRc[codeString], codeString, key: codeString, message };
}

export function communicationFailure(message: string): RfcError {
  return libError('RFC_COMMUNICATION_FAILURE', RfcErrorGroup.COMMUNICATION_FAILURE, message);
}

export function logonFailure(message = 'Name or password is incorrect (repeat logon)'): RfcError {
  return libError('RFC_LOGON_FAILURE', RfcErrorGroup.LOGON_FAILURE, message);
}

export function canceled(): RfcError {
  return libError('RFC_CANCELED', RfcErrorGroup.COMMUNICATION_FAILURE, 'Connection was canceled.');
}

export function invalidParameter(message: string): RfcError {
  return libError('RFC_INVALID_PARAMETER', RfcErrorGroup.EXTERNAL_RUNTIME_FAILURE, message);
}

export function fieldNotFound(field: string): RfcError {
  return invalidParameter(`field '${field}' not found`);
}

/** A short dump: the key is the runtime error name (ST22). */
export function abapRuntimeFailure(key: string, message: string): RfcError {
  return {
    name: 'ABAPError',
    group: RfcErrorGroup.ABAP_RUNTIME_FAILURE,
    code: RfcRc.RFC_ABAP_RUNTIME_FAILURE,
    codeString: 'RFC_ABAP_RUNTIME_FAILURE',
    key,
    message,
  };
}

export interface AbapMessage {
  msgClass: string;
  msgType: 'E' | 'A' | 'X';
  msgNumber: string;
  text: string;
  v1?: string;
  v2?: string;
  v3?: string;
  v4?: string;
}

/** MESSAGE TYPE E/A/X outside a RAISING clause; node-rfc puts the text in both key and message. */
export function abapMessage(m: AbapMessage): RfcError {
  return {
    name: 'ABAPError',
    group: RfcErrorGroup.ABAP_RUNTIME_FAILURE,
    code: RfcRc.RFC_ABAP_MESSAGE,
    codeString: 'RFC_ABAP_MESSAGE',
    key: m.text,
    message: m.text,
    abapMsgClass: m.msgClass,
    abapMsgType: m.msgType,
    abapMsgNumber: m.msgNumber,
    abapMsgV1: m.v1 ?? '',
    abapMsgV2: m.v2 ?? '',
    abapMsgV3: m.v3 ?? '',
    abapMsgV4: m.v4 ?? '',
  };
}

export interface ExceptionMessage {
  msgClass: string;
  msgType: string;
  msgNumber: string;
  v1?: string;
  v2?: string;
  v3?: string;
  v4?: string;
}

/**
 * RAISE (or MESSAGE ... RAISING). A bare RAISE carries no message, which node-rfc renders as
 * " Number:000" (see its test "AbapApplicationError E2").
 */
export function abapException(key: string, msg?: ExceptionMessage): RfcError {
  const cls = msg?.msgClass ?? '';
  const type = msg?.msgType ?? '';
  const num = msg?.msgNumber ?? '000';
  const vars = [msg?.v1, msg?.v2, msg?.v3, msg?.v4].filter((v): v is string => !!v).join(' ');
  const head = `${[cls ? `ID:${cls}` : '', type ? `Type:${type}` : ''].filter(Boolean).join(' ')} Number:${num}`;
  return {
    name: 'ABAPError',
    group: RfcErrorGroup.ABAP_APPLICATION_FAILURE,
    code: RfcRc.RFC_ABAP_EXCEPTION,
    codeString: 'RFC_ABAP_EXCEPTION',
    key,
    message: vars ? `${head} ${vars}` : head,
    abapMsgClass: cls,
    abapMsgType: type,
    abapMsgNumber: num,
    abapMsgV1: msg?.v1 ?? '',
    abapMsgV2: msg?.v2 ?? '',
    abapMsgV3: msg?.v3 ?? '',
    abapMsgV4: msg?.v4 ?? '',
  };
}

/** node-rfc's own type check of an argument; the client turns it into a real TypeError. */
export function typeError(message: string): RfcError {
  return { name: 'TypeError', message };
}

export function closedConnection(what: string): RfcError {
  return { name: 'nodeRfcError', message: `RFM client request over closed connection: ${what}` };
}

/** node-rfc drops and reopens the connection after these, so the server ends the session too. */
export function endsSession(err: RfcError): boolean {
  const code = err.code ?? 0;
  return code === RfcRc.RFC_COMMUNICATION_FAILURE || code === RfcRc.RFC_ABAP_RUNTIME_FAILURE || code === RfcRc.RFC_ABAP_MESSAGE;
}

/** Thrown inside the simulator to end a call with an RFC error; never crosses the socket as-is. */
export class RfcFailure extends Error {
  constructor(readonly rfcError: RfcError) {
    super(rfcError.message);
  }
}
