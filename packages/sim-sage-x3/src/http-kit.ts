import type { IncomingMessage, ServerResponse } from 'node:http';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** A response that ends request handling early (an auth failure, a fault, a bad request). */
export class HttpReply extends Error {
  constructor(
    readonly status: number,
    readonly body: JsonValue,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

/** Syracuse reports problems as `$diagnoses` (severity + message), in error and in success bodies alike. */
export function diagnoses(severity: 'error' | 'warning' | 'info', message: string): JsonObject {
  return { $diagnoses: [{ $severity: severity, $message: message }] };
}

export function x3Error(status: number, message: string, headers: Record<string, string> = {}): HttpReply {
  return new HttpReply(status, diagnoses('error', message), headers);
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of req) {
    size += (part as Buffer).length;
    if (size > MAX_BODY_BYTES) throw x3Error(413, `request body over ${MAX_BODY_BYTES} bytes`);
    parts.push(part as Buffer);
  }
  return Buffer.concat(parts).toString('utf8');
}

export function parseJsonBody(text: string): JsonObject {
  if (text.trim() === '') return {};
  try {
    const parsed = JSON.parse(text) as JsonValue;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    return parsed;
  } catch (error) {
    throw x3Error(400, `request body is not a JSON object: ${(error as Error).message}`);
  }
}

/** Sends JSON with the simulated clock in the Date header; answers the number of body bytes. */
export function sendJson(res: ServerResponse, status: number, body: JsonValue, nowMs: number, headers: Record<string, string> = {}): number {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', date: new Date(nowMs).toUTCString(), ...headers });
  res.end(text);
  return Buffer.byteLength(text);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
