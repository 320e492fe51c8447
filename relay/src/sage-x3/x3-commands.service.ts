import { Injectable } from '@nestjs/common';
import { AgentChannel, type AgentCallOptions } from '../tunnel/agent-channel.service.js';
import { agentOf, expectBody, withCommandRetry, type AgentRef, type CommandRetryOptions } from '../tunnel/agent-command-retry.js';

export type { AgentRef };

/** A call's deadline and signal, and how it is retried (see withCommandRetry). */
export interface X3CallOptions extends AgentCallOptions, CommandRetryOptions {}

export interface X3GraphqlResult<T> {
  data: T;
  /** Warnings and information X3 returned beside the data. */
  diagnoses: Array<{ severity: string; message: string }>;
}

export interface Api1QueryRequest {
  /** An api1 class, e.g. BPCUSTOMER or SORDER. */
  className: string;
  /** The X3 folder (api1 endpoint). */
  folder: string;
  where?: string;
  orderBy?: string;
  /** Page size; X3's default is 20. */
  count?: number;
}

export type X3Resource = Record<string, unknown>;

/**
 * The relay's typed way to use an agent's Sage X3 profile: GraphQL operations and REST api1 reads.
 * Tokens never come here (the agent renews them). Retryable failures are retried with exponential
 * backoff and jitter, honouring the agent's retry-after; business errors and policy denials come
 * back at once as TunnelError.
 */
@Injectable()
export class X3Commands {
  constructor(private readonly channel: AgentChannel) {}

  async graphql<T = unknown>(agent: AgentRef, profile: string, query: string, variables?: Record<string, unknown>, options: X3CallOptions = {}): Promise<X3GraphqlResult<T>> {
    const body = { profile, query, variables_json: variables ? JSON.stringify(variables) : '', operation_name: '' };
    const result = expectBody(await withCommandRetry(options, async () => this.channel.call(await agentOf(agent), { body: 'x3_graphql', x3_graphql: body }, options)), 'x3_graphql');
    return { data: JSON.parse(result.x3_graphql.data_json) as T, diagnoses: JSON.parse(result.x3_graphql.diagnoses_json || '[]') as X3GraphqlResult<T>['diagnoses'] };
  }

  /** One api1 record by key ($details); undefined when X3 answers 404. */
  async api1Details(agent: AgentRef, profile: string, folder: string, className: string, key: string, options: X3CallOptions = {}): Promise<X3Resource | undefined> {
    const path = `/api1/x3/erp/${folder}/${className}('${encodeURIComponent(key.replaceAll("'", "''"))}')?representation=${className}.$details`;
    const response = await this.get(agent, profile, path, options);
    if (response.status === 404) return undefined;
    return JSON.parse(response.body.toString('utf8')) as X3Resource;
  }

  /** Every page of an api1 query, following $links.$next (keyset paging by key); each page retried on its own. */
  async *api1Query(agent: AgentRef, profile: string, request: Api1QueryRequest, options: X3CallOptions = {}): AsyncGenerator<X3Resource[], { resources: number; pages: number }> {
    const query = new URLSearchParams({ representation: `${request.className}.$query`, count: String(request.count ?? 20) });
    if (request.where) query.set('where', request.where);
    if (request.orderBy) query.set('orderBy', request.orderBy);
    let path: string | undefined = `/api1/x3/erp/${request.folder}/${request.className}?${query}`;
    let resources = 0;
    let pages = 0;
    while (path) {
      const response = await this.get(agent, profile, path, options);
      const page = JSON.parse(response.body.toString('utf8')) as { $resources?: X3Resource[]; $links?: { $next?: { $url?: string } } };
      const batch = page.$resources ?? [];
      resources += batch.length;
      pages += 1;
      yield batch;
      const next = page.$links?.$next?.$url;
      // X3 answers an absolute URL on its own host; the agent talks to that host itself.
      path = next ? pathOf(next) : undefined;
    }
    return { resources, pages };
  }

  private async get(agent: AgentRef, profile: string, path: string, options: X3CallOptions): Promise<{ status: number; body: Buffer }> {
    const body = { profile, method: 'GET', path, headers: {}, body: Buffer.alloc(0) };
    const result = expectBody(await withCommandRetry(options, async () => this.channel.call(await agentOf(agent), { body: 'http_request', http_request: body }, options)), 'http_response');
    return { status: result.http_response.status, body: result.http_response.body };
  }

}


function pathOf(url: string): string {
  const parsed = new URL(url, 'http://x3.invalid');
  return `${parsed.pathname}${parsed.search}`;
}

