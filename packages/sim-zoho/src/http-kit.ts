import type { IncomingMessage, ServerResponse } from 'node:http';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** A response that ends request handling early, e.g. a 400 with Zoho's error body. */
export class HttpReply extends Error {
  constructor(
    readonly status: number,
    readonly body: JsonValue | string | undefined,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

export function zohoError(status: number, code: string, message: string, details: JsonObject = {}): HttpReply {
  return new HttpReply(status, { code, details, message, status: 'error' });
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw zohoError(413, 'INVALID_DATA', 'body', { reason: 'body too large' });
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function parseJsonBody(text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    throw zohoError(400, 'INVALID_DATA', 'body', { reason: 'the request body is not valid JSON' });
  }
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A JSON body serialized ahead of sending (an API call's, so its serialization counts in the call's latency). */
export class JsonText {
  constructor(readonly text: string) {}
}

export function sendReply(res: ServerResponse, status: number, body: JsonValue | JsonText | string | undefined, headers: Record<string, string> = {}): void {
  if (body === undefined) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  const isText = typeof body === 'string';
  const payload = isText ? body : body instanceof JsonText ? body.text : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': isText ? 'text/html; charset=utf-8' : 'application/json;charset=UTF-8',
    'content-length': String(Buffer.byteLength(payload)),
    ...headers,
  });
  res.end(payload);
}

export function sendJson(res: ServerResponse, status: number, body: JsonValue, headers: Record<string, string> = {}): void {
  sendReply(res, status, body, headers);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
