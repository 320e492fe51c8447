import type { ZohoRequest } from './zoho-crm.client.js';

/** One HTTP request to Zoho, its body already serialized. */
export interface WireRequest {
  readonly url: string;
  readonly method: ZohoRequest['method'];
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/** Zoho's answer, whatever its status; the body is parsed by the caller. */
export interface WireAnswer {
  readonly status: number;
  readonly creditsRemaining: string | null;
  readonly text: string;
}

/** The request got no answer (connection refused or dropped): the socket error, as it said. */
export interface WireFailure {
  readonly message: string;
  readonly code?: string;
}

/** From the relay's threads to Zoho's I/O thread. A gate is sent once, before its first exchange. */
export type ToIoThread =
  | { readonly type: 'gate'; readonly gate: number; readonly shared: SharedArrayBuffer }
  | { readonly type: 'wake'; readonly gate: number }
  | { readonly type: 'drop'; readonly gate: number }
  | { readonly type: 'exchange'; readonly id: number; readonly gate: number; readonly complex: boolean; readonly request: WireRequest };

export type FromIoThread =
  | { readonly type: 'answer'; readonly id: number; readonly answer: WireAnswer }
  | { readonly type: 'failure'; readonly id: number; readonly failure: WireFailure };
