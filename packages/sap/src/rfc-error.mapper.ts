import { TunnelError } from '@mlc/tunnel';

/** node-rfc rejects with plain objects, not Error instances (SAP/node-rfc src/ts/sapnwrfc-client.ts). */
export interface NodeRfcErrorShape {
  name: string;
  message: string;
  code?: number;
  codeString?: string;
  key?: string;
  group?: number;
  abapMsgClass?: string;
  abapMsgType?: string;
  abapMsgNumber?: string;
  abapMsgV1?: string;
  abapMsgV2?: string;
  abapMsgV3?: string;
  abapMsgV4?: string;
}

export function isNodeRfcError(err: unknown): err is NodeRfcErrorShape {
  return typeof err === 'object' && err !== null && !(err instanceof TunnelError) && typeof (err as { name?: unknown }).name === 'string' && typeof (err as { message?: unknown }).message === 'string';
}

// RFC_RC codes of the NW RFC SDK (sapnwrfc.h) that mean "the system or the way to it is in
// trouble; the same call may work later": communication, short dump (SYSTEM_FAILURE), closed
// handle, out of memory / resources, timeout.
const RETRYABLE_RC = new Set(['RFC_COMMUNICATION_FAILURE', 'RFC_ABAP_RUNTIME_FAILURE', 'RFC_CLOSED', 'RFC_MEMORY_INSUFFICIENT', 'RFC_RESOURCE_FAILURE', 'RFC_TIMEOUT', 'RFC_EXTERNAL_FAILURE']);
const BUSINESS_RC = new Set(['RFC_ABAP_MESSAGE', 'RFC_ABAP_EXCEPTION']);

/**
 * Maps whatever an RFC call threw onto the tunnel's error taxonomy: the operator's problems
 * (system down, short dump, resources) are UNAVAILABLE and retryable; ABAP exceptions and
 * E/A messages are BUSINESS_ERROR with the RFC key; a caller's bad arguments are INVALID_ARGUMENT.
 */
export function rfcErrorToTunnelError(err: unknown, functionModule: string): TunnelError {
  if (err instanceof TunnelError) return err;
  if (err instanceof TypeError) {
    // node-rfc type-checks arguments before sending ("Integer number expected when filling field ...").
    return new TunnelError('INVALID_ARGUMENT', `${functionModule}: ${err.message}`, { cause: err });
  }
  if (!isNodeRfcError(err)) return new TunnelError('INTERNAL', `${functionModule}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  const codeString = err.codeString ?? '';
  const detail = rfcDetail(err, functionModule);
  const message = `${functionModule}: ${err.message}`;
  if (codeString === 'RFC_CANCELED') return new TunnelError('CANCELLED', message, { detail, cause: err });
  if (codeString === 'RFC_INVALID_PARAMETER') return new TunnelError('INVALID_ARGUMENT', message, { detail, cause: err });
  if (codeString === 'RFC_LOGON_FAILURE') {
    // Someone must fix the profile's user or password: retrying changes nothing.
    return new TunnelError('UNAVAILABLE', message, { retryable: false, detail, cause: err });
  }
  if (RETRYABLE_RC.has(codeString)) return new TunnelError('UNAVAILABLE', message, { retryable: true, detail, cause: err });
  if (BUSINESS_RC.has(codeString)) return new TunnelError('BUSINESS_ERROR', message, { detail, cause: err });
  return new TunnelError('INTERNAL', message, { detail, cause: err });
}

function rfcDetail(err: NodeRfcErrorShape, functionModule: string): Record<string, string> {
  const detail: Record<string, string> = { function_module: functionModule, rfc_error: err.name };
  if (err.codeString) detail['rfc_code'] = err.codeString;
  if (err.key) detail['rfc_key'] = err.key;
  if (err.abapMsgClass) {
    detail['abap_msg'] = `${err.abapMsgType ?? ''} ${err.abapMsgClass} ${err.abapMsgNumber ?? ''}`.trim();
    const vars = [err.abapMsgV1, err.abapMsgV2, err.abapMsgV3, err.abapMsgV4].filter((v) => v !== undefined && v !== '');
    if (vars.length > 0) detail['abap_msg_vars'] = vars.join('|');
  }
  return detail;
}
