import type { ServerClock, X3Auth } from './x3-auth.js';

export interface X3Request {
  method: string;
  /** Path and query on the X3 server, e.g. /api1/x3/erp/SEED/BPCUSTOMER?representation=BPCUSTOMER.$query */
  path: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

export interface X3Response {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface X3HttpClientOptions {
  /** e.g. https://x3.example.com:8124 */
  baseUrl: string;
  auth: X3Auth;
  clock: ServerClock;
  fetch?: typeof fetch;
}

/**
 * One X3 server: every request gets a header that is valid now; a 401 renews it (the token may have
 * expired on the server's clock sooner than on ours) and the request runs once more, so token
 * expiry never reaches the caller. Every Date header feeds the skew estimate.
 */
export class X3HttpClient {
  requests = 0;
  renewedAfter401 = 0;

  constructor(private readonly options: X3HttpClientOptions) {}

  get auth(): X3Auth {
    return this.options.auth;
  }

  async request(request: X3Request): Promise<X3Response> {
    const first = await this.once(request);
    if (first.response.status !== 401 || this.options.auth.mode === 'basic') return first.response;
    this.options.auth.invalidate(first.authorization);
    this.renewedAfter401 += 1;
    return (await this.once(request)).response;
  }

  private async once(request: X3Request): Promise<{ response: X3Response; authorization: string }> {
    const authorization = await this.options.auth.header();
    const res = await (this.options.fetch ?? fetch)(new URL(request.path, this.options.baseUrl), {
      method: request.method,
      headers: { accept: 'application/json', ...request.headers, authorization },
      body: request.body,
      signal: request.signal,
    });
    this.requests += 1;
    this.options.clock.observe(res.headers.get('date'));
    const headers: Record<string, string> = {};
    res.headers.forEach((value, name) => (headers[name] = value));
    return { response: { status: res.status, headers, body: Buffer.from(await res.arrayBuffer()) }, authorization };
  }
}
