import { parentPort } from 'node:worker_threads';
import { request } from 'undici';
import { GateCounters, GateQueue } from './concurrency-gate.js';
import type { FromIoThread, ToIoThread, WireAnswer, WireFailure, WireRequest } from './zoho-io.messages.js';

// Zoho's I/O thread (see ZohoIoThread): it holds each org's concurrency slots and makes the calls.

if (!parentPort) throw new Error('zoho-io.worker.js runs as a worker thread (see ZohoIoThread)');
const port = parentPort;
const gates = new Map<number, GateQueue>();

port.on('message', (message: ToIoThread) => {
  switch (message.type) {
    case 'gate':
      gates.set(message.gate, new GateQueue(new GateCounters(message.shared)));
      return;
    case 'wake':
      gates.get(message.gate)?.pump();
      return;
    case 'drop':
      gates.delete(message.gate);
      return;
    case 'exchange':
      enqueue(message);
      return;
  }
});

function enqueue(message: Extract<ToIoThread, { type: 'exchange' }>): void {
  const queue = gates.get(message.gate);
  if (!queue) {
    reply({ type: 'failure', id: message.id, failure: { message: `no gate ${message.gate} on Zoho's I/O thread` } });
    return;
  }
  queue.enter(message.complex, () => {
    void exchange(message.request).then((outcome) => {
      // The slot goes back first, so the next call waiting for it leaves before this answer is posted.
      queue.leave(message.complex);
      reply('status' in outcome ? { type: 'answer', id: message.id, answer: outcome } : { type: 'failure', id: message.id, failure: outcome });
    });
  });
}

/**
 * undici's request API, not fetch: a 100-record write costs about a third of fetch's CPU (no WHATWG
 * streams). The body is read in full before the slot is given back: Zoho counts a call until it has
 * answered.
 */
async function exchange(wire: WireRequest): Promise<WireAnswer | WireFailure> {
  try {
    const response = await request(wire.url, { method: wire.method, headers: wire.headers, body: wire.body });
    const text = await response.body.text();
    return { status: response.statusCode, creditsRemaining: headerValue(response.headers['x-api-credits-remaining']), text };
  } catch (err) {
    return failure(err);
  }
}

function failure(err: unknown): WireFailure {
  // undici may wrap the socket's error, which names what went wrong, as its cause.
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  if (!(cause instanceof Error)) return { message: String(cause) };
  const code = (cause as { code?: unknown }).code;
  return typeof code === 'string' ? { message: cause.message, code } : { message: cause.message };
}

function headerValue(value: string | string[] | undefined): string | null {
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

function reply(message: FromIoThread): void {
  port.postMessage(message);
}
