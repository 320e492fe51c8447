import pRetry, { AbortError } from 'p-retry';
import { ZohoBudget } from './zoho-budget.js';
import { ZohoApiError, ZohoNetworkError } from './zoho-errors.js';
import { zohoIoThread, type ZohoIoThread } from './zoho-io-thread.js';
import type { WireAnswer } from './zoho-io.messages.js';

/** An access token and the API host it works on (always the api_domain Zoho returned with it). */
export interface ZohoAccess {
  readonly accessToken: string;
  readonly apiDomain: string;
}

/**
 * Where the client gets its token. `renew` is called at most once per request, when Zoho answers 401
 * INVALID_TOKEN with `rejected`; making one refresh serve many callers is the provider's job.
 */
export interface ZohoTokenProvider {
  current(): Promise<ZohoAccess>;
  renew(rejected: ZohoAccess): Promise<ZohoAccess>;
}

/** One request and its answer, for tests that check the wire against Zoho's OpenAPI files. */
export interface ZohoExchange {
  readonly method: string;
  readonly url: string;
  readonly requestBody: unknown;
  readonly status: number;
  readonly responseBody: unknown;
}

export interface ZohoRetryOptions {
  readonly retries: number;
  readonly minTimeoutMs: number;
  readonly maxTimeoutMs: number;
}

export interface ZohoCrmClientOptions {
  readonly tokens: ZohoTokenProvider;
  readonly budget: ZohoBudget;
  readonly retry?: Partial<ZohoRetryOptions>;
  readonly onExchange?: (exchange: ZohoExchange) => void;
  /** Where the calls are made; the process's shared I/O thread unless a test brings its own. */
  readonly io?: ZohoIoThread;
}

export interface ZohoRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** From /crm/..., appended to the api_domain. */
  readonly path: string;
  readonly query?: Record<string, string>;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** What Zoho charges for the call (1 for reads, 1 per 10 records for writes). */
  readonly credits: number;
  /** Writes of more than 10 records, COQL and search use the smaller pool. */
  readonly complex: boolean;
}

export interface ZohoResponse {
  readonly status: number;
  readonly body: unknown;
}

const DEFAULT_RETRY: ZohoRetryOptions = { retries: 6, minTimeoutMs: 250, maxTimeoutMs: 8_000 };

/**
 * Zoho CRM v8 over HTTP: `Authorization: Zoho-oauthtoken`, the org's budget around every call, one
 * token renewal on 401 INVALID_TOKEN, and 429/5xx/network failures retried with jittered backoff.
 * Everything else (4xx) is thrown at once as a ZohoApiError; a network failure that outlives the
 * retries as a ZohoNetworkError (retryable later). The calls themselves go out on Zoho's I/O thread
 * (ZohoIoThread), which holds the budget's concurrency slots.
 */
export class ZohoCrmClient {
  private readonly retry: ZohoRetryOptions;

  constructor(private readonly options: ZohoCrmClientOptions) {
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
  }

  get budget(): ZohoBudget {
    return this.options.budget;
  }

  request(request: ZohoRequest): Promise<ZohoResponse> {
    return pRetry(() => this.attempt(request), {
      retries: this.retry.retries,
      minTimeout: this.retry.minTimeoutMs,
      maxTimeout: this.retry.maxTimeoutMs,
      randomize: true,
      // Zoho's 429/5xx and a dropped connection; never a token provider's refusal (reconnect
      // needed, throttled): retrying those is the storm we must not cause.
      shouldRetry: ({ error }) => (error instanceof ZohoApiError ? error.retryable : error instanceof ZohoNetworkError),
    });
  }

  private async attempt(request: ZohoRequest): Promise<ZohoResponse> {
    let access = await this.options.tokens.current();
    let response = await this.send(request, access);
    if (response instanceof ZohoApiError && response.invalidToken) {
      access = await this.options.tokens.renew(access);
      response = await this.send(request, access);
    }
    if (response instanceof ZohoApiError) {
      // p-retry retries only what Zoho will clear by itself; a 4xx is final.
      if (!response.retryable) throw new AbortError(response);
      throw response;
    }
    return response;
  }

  private async send(request: ZohoRequest, access: ZohoAccess): Promise<ZohoResponse | ZohoApiError> {
    const query = request.query ? `?${new URLSearchParams(request.query)}` : '';
    const url = `${access.apiDomain}${request.path}${query}`;
    const headers: Record<string, string> = { authorization: `Zoho-oauthtoken ${access.accessToken}`, ...request.headers };
    // Serialized here and parsed here: the I/O thread only holds the slot and moves the bytes.
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    if (body !== undefined) headers['content-type'] = 'application/json';
    const { budget } = this.options;
    budget.reserve(request.credits);
    let answer: WireAnswer;
    try {
      answer = await (this.options.io ?? zohoIoThread).exchange(budget, request.complex, { url, method: request.method, headers, body });
    } catch (err) {
      budget.refund(request.credits);
      throw new ZohoNetworkError(err);
    }
    const { status, creditsRemaining } = answer;
    const responseBody = answer.text ? parseJson(answer.text) : undefined;
    if (creditsRemaining !== null && Number.isFinite(Number(creditsRemaining))) budget.observeRemaining(Number(creditsRemaining));
    this.options.onExchange?.({ method: request.method, url, requestBody: request.body, status, responseBody });
    if (status < 400) return { status, body: responseBody };
    budget.refund(request.credits);
    return toApiError(status, responseBody);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function toApiError(status: number, body: unknown): ZohoApiError {
  const object = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  // Watch and write errors may come wrapped in an array ({"data":[...]} / {"watch":[...]}).
  const inner = firstItem(object['data']) ?? firstItem(object['watch']) ?? object;
  const code = typeof inner['code'] === 'string' ? inner['code'] : `HTTP_${status}`;
  const message = typeof inner['message'] === 'string' ? inner['message'] : 'no message';
  const details = typeof inner['details'] === 'object' && inner['details'] !== null ? (inner['details'] as Record<string, unknown>) : {};
  return new ZohoApiError(status, code, message, details);
}

function firstItem(value: unknown): Record<string, unknown> | undefined {
  return Array.isArray(value) && typeof value[0] === 'object' && value[0] !== null ? (value[0] as Record<string, unknown>) : undefined;
}
