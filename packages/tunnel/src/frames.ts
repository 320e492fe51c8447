// TypeScript shapes of the frames in proto/ml_connector/tunnel/v1/tunnel.proto, as the codec
// produces them (keepCase, longs as strings, enums as strings, oneofs as a `kind`/`body`
// discriminator). codec.spec.ts round-trips every kind, so a drift from the .proto fails a test.

export type Transport = 'TRANSPORT_UNSPECIFIED' | 'TRANSPORT_GRPC' | 'TRANSPORT_WEBSOCKET';

export const ERROR_CODES = [
  'ERROR_CODE_UNSPECIFIED',
  'UNAUTHENTICATED',
  'AGENT_REVOKED',
  'PROTOCOL_VIOLATION',
  'FRAME_TOO_LARGE',
  'UNSUPPORTED_PROTOCOL',
  'AGENT_OFFLINE',
  'DEADLINE_EXCEEDED',
  'CANCELLED',
  'UNKNOWN_COMMAND',
  'OVERLOADED',
  'POLICY_DENIED',
  'INVALID_ARGUMENT',
  'UNAVAILABLE',
  'BUSINESS_ERROR',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface WireError {
  code: ErrorCode;
  retryable: boolean;
  message: string;
  detail: Record<string, string>;
  retry_after_ms: number;
}

export interface Profile {
  name: string;
  kind: string;
}

export interface Hello {
  agent_id: string;
  agent_version: string;
  protocol_version: number;
  capabilities: string[];
  profiles: Profile[];
  transport: Transport;
  hostname: string;
}

export interface AuthChallenge {
  nonce: Buffer;
  relay_time_ms: string;
}

export interface AuthProof {
  signature: Buffer;
}

export interface Limits {
  max_frame_bytes: number;
  max_in_flight: number;
  stream_window_bytes: number;
  max_chunk_bytes: number;
}

export interface Welcome {
  session_id: string;
  heartbeat_interval_ms: number;
  heartbeat_timeout_ms: number;
  limits: Limits;
  relay_time_ms: string;
}

export type PingCommand = Record<string, never>;

export interface EchoCommand {
  payload: Buffer;
  size: number;
  delay_ms: number;
}

export interface EchoStreamCommand {
  chunks: number;
  chunk_size: number;
  delay_ms: number;
}

export interface RfcCallCommand {
  profile: string;
  function_module: string;
  params_json: string;
}

export interface RfcCall {
  function_module: string;
  params_json: string;
}

export interface RfcTransactionCommand {
  profile: string;
  calls: RfcCall[];
}

export interface RfcReadTableCommand {
  profile: string;
  table: string;
  fields: string[];
  key_fields: string[];
  where: string;
  alpha_fields: string[];
  max_rows: number;
  page_size: number;
}

export interface HttpRequestCommand {
  profile: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

export interface X3GraphqlCommand {
  profile: string;
  query: string;
  variables_json: string;
  operation_name: string;
}

/** Command bodies by oneof name; a new command is a new entry here and in the .proto. */
export interface CommandBodies {
  ping: PingCommand;
  echo: EchoCommand;
  echo_stream: EchoStreamCommand;
  rfc_call: RfcCallCommand;
  rfc_transaction: RfcTransactionCommand;
  rfc_read_table: RfcReadTableCommand;
  http_request: HttpRequestCommand;
  x3_graphql: X3GraphqlCommand;
}
export type CommandKind = keyof CommandBodies;
export type CommandBody = { [K in CommandKind]: { body: K } & Pick<CommandBodies, K> }[CommandKind];

export type Command = {
  id: number;
  deadline_ms: number;
  correlation_id: string;
  /** A streamed command's window when smaller than the session's; 0 or absent: the session's. */
  stream_window_bytes?: number;
} & CommandBody;

export interface PingResult {
  agent_time_ms: string;
}

export interface EchoResult {
  payload: Buffer;
}

export interface StreamEnd {
  chunks: number;
  bytes: string;
}

export interface RfcCallResult {
  result_json: string;
}

export interface RfcCallOutcome {
  function_module: string;
  exports_json: string;
  return_json: string;
}

export interface RfcTransactionResult {
  calls: RfcCallOutcome[];
  commit_return_json: string;
}

export interface HttpResponseResult {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface X3GraphqlResult {
  data_json: string;
  diagnoses_json: string;
}

export interface ResultBodies {
  ping: PingResult;
  echo: EchoResult;
  stream_end: StreamEnd;
  rfc_call: RfcCallResult;
  rfc_transaction: RfcTransactionResult;
  http_response: HttpResponseResult;
  x3_graphql: X3GraphqlResult;
}
export type ResultKind = keyof ResultBodies;
export type ResultBody = { [K in ResultKind]: { body: K } & Pick<ResultBodies, K> }[ResultKind];

export type Result = { command_id: number } & ((ResultBody & { error?: null }) | { body?: undefined; error: WireError });

export interface ResultChunk {
  command_id: number;
  seq: number;
  data: Buffer;
}

export interface StreamCredit {
  command_id: number;
  bytes: number;
}

export interface Cancel {
  command_id: number;
  reason: string;
}

export interface Heartbeat {
  sent_at_ms: string;
  echo_sent_at_ms: string;
  in_flight: number;
  echo_held_ms: number;
}

export interface Drain {
  reason: string;
  retry_after_ms: number;
}

export interface Draining {
  reason: string;
}

export interface ProfileHealthReport {
  name: string;
  kind: string;
  reachable: boolean;
  detail: string;
  checked_at_ms: string;
}

export interface HealthReport {
  profiles: ProfileHealthReport[];
}

interface AgentFrameKinds {
  hello: Hello;
  auth_proof: AuthProof;
  result: Result;
  result_chunk: ResultChunk;
  heartbeat: Heartbeat;
  draining: Draining;
  error: WireError;
  health: HealthReport;
}

interface RelayFrameKinds {
  auth_challenge: AuthChallenge;
  welcome: Welcome;
  command: Command;
  cancel: Cancel;
  heartbeat: Heartbeat;
  drain: Drain;
  error: WireError;
  stream_credit: StreamCredit;
}

type Framed<T> = { [K in keyof T]: { kind: K } & Pick<T, K> }[keyof T];

export type AgentFrame = Framed<AgentFrameKinds>;
export type RelayFrame = Framed<RelayFrameKinds>;
export type AgentFrameKind = AgentFrame['kind'];
export type RelayFrameKind = RelayFrame['kind'];
