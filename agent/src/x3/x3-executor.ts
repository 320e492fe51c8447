import { BasicAuth, ConnectedAppJwtAuth, RefreshTokenAuth, ServerClock, X3HttpClient, X3TokenError, classifyX3Response, type X3Auth, type X3Outcome, type X3Response } from '@mlc/sage-x3';
import { TunnelError, type HttpRequestCommand, type ResultBody, type X3GraphqlCommand } from '@mlc/tunnel';
import type { Logger } from 'pino';
import type { SageX3Profile, X3Policy } from '../config/x3-profile.schema.js';
import type { ProfileHealth } from '../health/agent-status.js';
import type { SecretBox } from '../secrets/secret-box.js';
import { Semaphore } from './semaphore.js';
import { X3PolicyGuard } from './x3-policy.js';
import { X3TokenStore } from './x3-token-store.js';

export interface X3CommandContext {
  signal: AbortSignal;
  log: Logger;
}

interface X3Server {
  profile: SageX3Profile;
  clock: ServerClock;
  /** GraphQL (and api1 unless the profile gives api1 its own Basic credentials). */
  graphql: Promise<X3HttpClient>;
  api1: Promise<X3HttpClient>;
  slots: Semaphore;
  health?: ProfileHealth;
}

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Runs http_request and x3_graphql on the agent's Sage X3 profiles: the local policy first, then a
 * request with a token valid NOW (checked before every request, renewed transparently, skew
 * learned from the server's Date), then X3's answer read for the failures it hides in bodies.
 */
export class X3Executor {
  private readonly servers = new Map<string, X3Server>();
  private readonly guard: X3PolicyGuard;

  constructor(profiles: SageX3Profile[], policy: X3Policy, secrets: SecretBox | undefined, home: string, log: Logger) {
    this.guard = new X3PolicyGuard(policy);
    const tokens = secrets ? new X3TokenStore(home, secrets) : undefined;
    profiles.forEach((profile, index) => {
      if (!secrets || !tokens) throw new TunnelError('INTERNAL', 'Sage X3 profiles need the secret key');
      const clock = new ServerClock();
      const field = `profiles[${index}].auth`;
      const graphql = makeAuth(profile, clock, secrets, tokens, field, log).then((auth) => new X3HttpClient({ baseUrl: baseUrl(profile), auth, clock }));
      const api1 = profile.api1
        ? Promise.resolve(new X3HttpClient({ baseUrl: baseUrl(profile), auth: new BasicAuth(profile.api1.user, secrets.decrypt(profile.api1.password, `profiles[${index}].api1.password`)), clock }))
        : graphql;
      // A failure here (a secret that does not decrypt) surfaces on the first command and in health.
      graphql.catch(() => undefined);
      this.servers.set(profile.name, { profile, clock, graphql, api1, slots: new Semaphore(profile.maxConcurrent) });
    });
  }

  get profileNames(): string[] {
    return [...this.servers.keys()];
  }

  async httpRequest(body: HttpRequestCommand, { signal, log }: X3CommandContext): Promise<ResultBody> {
    const server = this.server(body.profile);
    const method = body.method.toUpperCase();
    if (!METHODS.has(method)) throw new TunnelError('INVALID_ARGUMENT', `method must be one of ${[...METHODS].join(', ')}`, { detail: { field: 'method' } });
    const path = this.guard.assertHttp(log, body.profile, method, body.path);
    if (Object.keys(body.headers).some((name) => name.toLowerCase() === 'authorization')) {
      throw new TunnelError('INVALID_ARGUMENT', 'Authorization is the agent\'s own header; leave it out', { detail: { field: 'headers' } });
    }
    const client = await this.client(server, path.startsWith('/api1/') ? server.api1 : server.graphql);
    const response = await this.send(server, client, { method, path: body.path, headers: body.headers, body: body.body.length > 0 ? body.body.toString('utf8') : undefined }, signal);
    if (response.status !== 404) this.check(body.profile, classifyX3Response(response.status, parseJson(response.body)), log);
    return { body: 'http_response', http_response: { status: response.status, headers: response.headers, body: response.body } };
  }

  async x3Graphql(body: X3GraphqlCommand, { signal, log }: X3CommandContext): Promise<ResultBody> {
    const server = this.server(body.profile);
    this.guard.assertGraphql(log, body.profile, body.query, body.operation_name);
    const variables = parseVariables(body.variables_json);
    const client = await this.client(server, server.graphql);
    const response = await this.send(server, client, {
      method: 'POST', path: '/xtrem/api',
      headers: { 'content-type': 'application/json', 'x-xtrem-endpoint': server.profile.folder },
      body: JSON.stringify({ query: body.query, variables, operationName: body.operation_name || undefined }),
    }, signal);
    const json = parseJson(response.body) as { data?: unknown; extensions?: { diagnoses?: Array<{ severity?: string }> } } | undefined;
    this.check(body.profile, classifyX3Response(response.status, json), log);
    const diagnoses = (json?.extensions?.diagnoses ?? []).filter((d) => d.severity !== 'error');
    return { body: 'x3_graphql', x3_graphql: { data_json: JSON.stringify(json?.data ?? null), diagnoses_json: JSON.stringify(diagnoses) } };
  }

  /** Whether each profile answers a trivial GraphQL query (a local probe, outside the policy); kept for maxAgeMs. */
  async health(maxAgeMs = 30_000): Promise<ProfileHealth[]> {
    return Promise.all([...this.servers.values()].map(async (server) => {
      if (server.health && Date.now() - Date.parse(server.health.checkedAt) < maxAgeMs) return server.health;
      const started = Date.now();
      let reachable = false;
      let detail: string;
      try {
        const client = await server.graphql;
        const response = await this.send(server, client, {
          method: 'POST', path: '/xtrem/api', headers: { 'content-type': 'application/json', 'x-xtrem-endpoint': server.profile.folder }, body: JSON.stringify({ query: '{ __typename }' }),
        }, AbortSignal.timeout(10_000));
        const outcome = classifyX3Response(response.status, parseJson(response.body));
        reachable = outcome.kind === 'ok';
        detail = reachable ? `GraphQL answered in ${Date.now() - started} ms (${client.auth.mode} auth, clock skew ${Math.round(server.clock.skewMs / 1000)} s)` : `${outcome.kind}: ${'message' in outcome ? outcome.message : ''}`;
      } catch (error) {
        detail = (error as Error).message;
      }
      server.health = { name: server.profile.name, kind: 'sage-x3', reachable, detail, checkedAt: new Date().toISOString() };
      return server.health;
    }));
  }

  private server(name: string): X3Server {
    const server = this.servers.get(name);
    if (!server) throw new TunnelError('INVALID_ARGUMENT', `this agent has no Sage X3 profile "${name}"`, { detail: { field: 'profile', profile: name } });
    return server;
  }

  private async client(server: X3Server, client: Promise<X3HttpClient>): Promise<X3HttpClient> {
    try {
      return await client;
    } catch (error) {
      throw new TunnelError('UNAVAILABLE', `Sage X3 profile "${server.profile.name}" cannot work: ${(error as Error).message}`, { retryable: false, detail: { profile: server.profile.name } });
    }
  }

  private async send(server: X3Server, client: X3HttpClient, request: { method: string; path: string; headers: Record<string, string>; body?: string }, signal: AbortSignal): Promise<X3Response> {
    const timeout = AbortSignal.any([signal, AbortSignal.timeout(server.profile.requestTimeoutSeconds * 1000)]);
    const release = await server.slots.acquire(timeout);
    try {
      return await client.request({ ...request, signal: timeout });
    } catch (error) {
      if (signal.aborted) throw new TunnelError('CANCELLED', 'cancelled by the relay');
      if (error instanceof X3TokenError) throw new TunnelError('UNAVAILABLE', `Sage X3 profile "${server.profile.name}": ${error.message}`, { retryable: error.retryable, detail: { profile: server.profile.name, x3_error: 'token' } });
      if (timeout.aborted) throw new TunnelError('UNAVAILABLE', `Sage X3 profile "${server.profile.name}" did not answer within ${server.profile.requestTimeoutSeconds} s`, { detail: { profile: server.profile.name, x3_error: 'timeout' } });
      throw new TunnelError('UNAVAILABLE', `Sage X3 profile "${server.profile.name}" cannot be reached: ${(error as Error).message}`, { detail: { profile: server.profile.name, x3_error: 'network' } });
    } finally {
      release();
    }
  }

  /** Turns a failure X3 reported (in the status or in the body) into the tunnel's error taxonomy. */
  private check(profile: string, outcome: X3Outcome, log: Logger): void {
    if (outcome.kind === 'ok') return;
    const detail = { profile, x3_error: outcome.kind, x3_message: outcome.message.slice(0, 1000) };
    log.debug(detail, 'X3 reported a failure');
    switch (outcome.kind) {
      case 'no-pool':
        throw new TunnelError('UNAVAILABLE', `X3 has no web-service pool free: ${outcome.message}`, { detail, retryAfterMs: 1_000 });
      case 'throttled':
        throw new TunnelError('OVERLOADED', `X3 is throttling web services (licence volume): ${outcome.message}`, { detail, retryAfterMs: 5_000 });
      case 'locked':
        throw new TunnelError('UNAVAILABLE', `X3 record locked by another session: ${outcome.message}`, { detail, retryAfterMs: 2_000 });
      case 'business':
        throw new TunnelError('BUSINESS_ERROR', outcome.applied ? `X3 saved the change but reported errors: ${outcome.message}` : `X3 refused: ${outcome.message}`, { detail: { ...detail, applied: String(outcome.applied) } });
      case 'unauthorized':
        throw new TunnelError('UNAVAILABLE', `X3 refused the credentials of profile "${profile}" even after renewing the token; check agent.json: ${outcome.message}`, { retryable: false, detail });
      case 'invalid':
        throw new TunnelError('INVALID_ARGUMENT', `X3 refused the request as malformed: ${outcome.message}`, { detail });
      case 'server':
        throw new TunnelError('UNAVAILABLE', `X3 failed: ${outcome.message}`, { detail });
    }
  }
}

function baseUrl(profile: SageX3Profile): string {
  return `${profile.server.replace(/\/$/, '')}:${profile.port}`;
}

async function makeAuth(profile: SageX3Profile, clock: ServerClock, secrets: SecretBox, tokens: X3TokenStore, field: string, log: Logger): Promise<X3Auth> {
  const { auth } = profile;
  switch (auth.mode) {
    case 'basic':
      return new BasicAuth(auth.user, secrets.decrypt(auth.password, `${field}.password`));
    case 'jwt':
      return new ConnectedAppJwtAuth({
        clientId: auth.clientId, user: auth.user, secret: secrets.decrypt(auth.secret, `${field}.secret`),
        audience: auth.audience ?? `${baseUrl(profile)}/xtrem/api`, lifetimeSeconds: auth.lifetimeSeconds, clock,
      });
    case 'oauth': {
      const kept = await tokens.kept(profile.name, auth.refreshToken);
      return new RefreshTokenAuth({
        tokenUrl: auth.tokenUrl ?? `${baseUrl(profile)}/v1/token`, clientId: auth.clientId, clientSecret: secrets.decrypt(auth.clientSecret, `${field}.clientSecret`),
        refreshToken: kept ?? secrets.decrypt(auth.refreshToken, `${field}.refreshToken`),
        onRefreshToken: async (token) => {
          await tokens.save(profile.name, auth.refreshToken, token);
          log.info({ profile: profile.name }, 'X3 refresh token rotated and kept');
        },
      });
    }
  }
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

function parseVariables(json: string): Record<string, unknown> | undefined {
  if (json.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new TunnelError('INVALID_ARGUMENT', `variables_json is not valid JSON: ${(error as Error).message}`, { detail: { field: 'variables_json' } });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new TunnelError('INVALID_ARGUMENT', 'variables_json must be a JSON object', { detail: { field: 'variables_json' } });
  return parsed as Record<string, unknown>;
}
