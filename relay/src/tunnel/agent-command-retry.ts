import pRetry from 'p-retry';
import { setTimeout as sleep } from 'node:timers/promises';
import { TunnelError, type ResultBody } from '@mlc/tunnel';

/** An agent id, or how to find one: asked again before every attempt, so a retry can fail over. */
export type AgentRef = string | (() => Promise<string>);

export interface CommandRetryOptions {
  /** Retries of a retryable failure (the ERP or the tunnel down, a busy pool); business errors never retry. Default 4. */
  retries?: number;
  /** First backoff in ms (then doubling, with jitter). Default 500. */
  minBackoffMs?: number;
  signal?: AbortSignal;
}

export function agentOf(ref: AgentRef): Promise<string> {
  return typeof ref === 'string' ? Promise.resolve(ref) : ref();
}

/**
 * One command to an agent, retried the way every ERP command is: retryable tunnel errors only,
 * exponential backoff with jitter up to 30 s, and the agent's own "retry after" honoured when it
 * asks for more than our backoff (not after the last attempt).
 */
export function withCommandRetry<T>(options: CommandRetryOptions, attempt: () => Promise<T>): Promise<T> {
  return pRetry(attempt, {
    retries: options.retries ?? 4,
    factor: 2,
    minTimeout: options.minBackoffMs ?? 500,
    maxTimeout: 30_000,
    randomize: true,
    ...(options.signal ? { signal: options.signal } : {}),
    shouldRetry: ({ error }) => error instanceof TunnelError && error.retryable,
    onFailedAttempt: async ({ error, retryDelay, retriesLeft }) => {
      if (retriesLeft > 0 && error instanceof TunnelError && error.retryable && error.retryAfterMs > retryDelay) await sleep(error.retryAfterMs - retryDelay);
    },
  });
}

/** The agent's answer, when it is the kind asked for; otherwise a protocol violation. */
export function expectBody<K extends ResultBody['body']>(result: ResultBody, kind: K): Extract<ResultBody, { body: K }> {
  if (result.body !== kind) throw new TunnelError('PROTOCOL_VIOLATION', `the agent answered ${result.body} to ${kind}`);
  return result as Extract<ResultBody, { body: K }>;
}
