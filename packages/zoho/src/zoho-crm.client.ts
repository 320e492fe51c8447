import pRetry, { AbortError } from 'p-retry';
import { request as httpRequest } from 'undici';
import { ZohoBudget } from './zoho-budget.js';
import { ZohoApiError, ZohoNetworkError } from './zoho-errors.js';

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
 * retries as a ZohoNetworkError (retryable later). Calls go through undici's request API, not fetch:
 * a 100-record write costs about a third of fetch's CPU (no WHATWG streams), which a bulk load feels.
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
    // Serialized before taking a slot and parsed after giving it back: a slot stands for a request
    // in flight at Zoho, and a write batch spends milliseconds in JSON on our side.
    const requestText = request.body === undefined ? undefined : JSON.stringify(request.body);
    const release = await this.options.budget.acquire(request.credits, request.complex);
    let status: number;
    let text: string;
    let remaining: string | null;
    try {
      const response = await httpRequest(url, {
        method: request.method,
        headers: {
          authorization: `Zoho-oauthtoken ${access.accessToken}`,
          ...(requestText === undefined ? {} : { 'content-type': 'application/json' }),
          ...request.headers,
        },
        body: requestText,
      });
      status = response.statusCode;
      remaining = headerValue(response.headers['x-api-credits-remaining']);
      text = await response.body.text();
    } catch (err) {
      this.options.budget.refund(request.credits);
      throw new ZohoNetworkError(err);
    } finally {
      release();
    }
    const body = text ? parseJson(text) : undefined;
    if (remaining !== null && Number.isFinite(Number(remaining))) this.options.budget.observeRemaining(Number(remaining));
    this.options.onExchange?.({ method: request.method, url, requestBody: request.body, status, responseBody: body });
    if (status < 400) return { status, body };
    this.options.budget.refund(request.credits);
    return toApiError(status, body);
  }
}

function headerValue(value: string | string[] | undefined): string | null {
  return (Array.isArray(value) ? value[0] : value) ?? null;
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
