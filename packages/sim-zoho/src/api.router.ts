import type { ApiOperation } from './api-result.js';
import { coqlQuery } from './coql.routes.js';
import { HttpReply, zohoError } from './http-kit.js';
import type { AccessGrant } from './oauth.store.js';
import { scopesAllow } from './oauth-scopes.js';
import { getOrg } from './org.routes.js';
import { requireModule } from './records-common.js';
import { deletedRecords, getRecord, listRecords, searchRecords } from './records-read.routes.js';
import { deleteRecords, insertRecords, updateRecords, upsertRecords } from './records-write.routes.js';
import type { RouteRequest, SimContext } from './sim-context.js';
import { deleteWatch, listWatch, writeWatch } from './watch.routes.js';

const API_PREFIX = '/crm/v8/';

function badUrl(): HttpReply {
  return zohoError(404, 'INVALID_URL_PATTERN', 'Please check if the URL trying to access is a correct one');
}

function badMethod(): HttpReply {
  return zohoError(405, 'INVALID_REQUEST_METHOD', 'The http request method type is not a valid one');
}

/** Checks the Zoho-oauthtoken header against the DC whose API domain was called. */
export function authenticate(ctx: SimContext, request: RouteRequest): AccessGrant {
  const header = request.req.headers.authorization;
  const match = typeof header === 'string' ? /^Zoho-oauthtoken\s+(\S+)$/i.exec(header) : null;
  if (!match) throw zohoError(401, 'AUTHENTICATION_FAILURE', 'Authentication failed');
  const grant = ctx.oauth.accessGrant(match[1]);
  if (!grant) throw zohoError(401, 'INVALID_TOKEN', 'invalid oauth token');
  if (grant.dc !== request.dc) {
    // A token is only known to the DC that issued it; API-FACTS has seen both answers.
    if (ctx.settings.dcMismatchError === 'INVALID_HOST') throw zohoError(400, 'INVALID_HOST', 'invalid host', { api_domain: grant.dc });
    throw zohoError(401, 'INVALID_TOKEN', 'invalid oauth token');
  }
  if (grant.evicted) throw zohoError(401, 'INVALID_OAUTHTOKEN', 'invalid oauth token');
  if (ctx.oauth.isExpired(grant)) throw zohoError(401, 'INVALID_TOKEN', 'invalid oauth token');
  return grant;
}

function watchOperation(ctx: SimContext, request: RouteRequest): ApiOperation {
  switch (request.method) {
    case 'GET':
      return listWatch(ctx, request);
    case 'POST':
      return writeWatch(ctx, request, 'enable');
    case 'PUT':
      return writeWatch(ctx, request, 'replace');
    case 'PATCH':
      return writeWatch(ctx, request, 'patch');
    case 'DELETE':
      return deleteWatch(ctx, request);
    default:
      throw badMethod();
  }
}

function moduleOperation(ctx: SimContext, request: RouteRequest, module: string, rest: string | undefined): ApiOperation {
  const table = requireModule(ctx, module);
  const { method } = request;
  if (rest === undefined) {
    if (method === 'GET') return listRecords(ctx, table, request);
    if (method === 'POST') return insertRecords(ctx, table, request);
    if (method === 'PUT') return updateRecords(ctx, table, request);
    if (method === 'DELETE') return deleteRecords(ctx, table, request);
    throw badMethod();
  }
  if (rest === 'upsert') {
    if (method === 'POST') return upsertRecords(ctx, table, request);
    throw badMethod();
  }
  if (rest === 'search') {
    if (method === 'GET') return searchRecords(table, request);
    throw badMethod();
  }
  if (rest === 'deleted') {
    if (method === 'GET') return deletedRecords(table, request);
    throw badMethod();
  }
  if (!/^\d+$/.test(rest)) throw badUrl();
  if (method === 'GET') return getRecord(table, rest, request);
  if (method === 'PUT') return updateRecords(ctx, table, request, rest);
  if (method === 'DELETE') return deleteRecords(ctx, table, request, rest);
  throw badMethod();
}

/** Maps a CRM v8 request to its operation; throws Zoho's error reply for bad URLs and parameters. */
export function resolveOperation(ctx: SimContext, request: RouteRequest): ApiOperation {
  if (!request.path.startsWith(API_PREFIX)) throw badUrl();
  const parts = request.path.slice(API_PREFIX.length).split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 1 && parts[0] === 'org') {
    if (request.method !== 'GET') throw badMethod();
    return getOrg(ctx);
  }
  if (parts.length === 1 && parts[0] === 'coql') {
    if (request.method !== 'POST') throw badMethod();
    return coqlQuery(ctx, request);
  }
  if (parts.length === 2 && parts[0] === 'actions' && parts[1] === 'watch') return watchOperation(ctx, request);
  if (parts.length === 1 || parts.length === 2) return moduleOperation(ctx, request, parts[0], parts[1]);
  throw badUrl();
}

export function checkScope(grant: AccessGrant, operation: ApiOperation): void {
  if (!scopesAllow(grant.scopes, operation.scope)) throw zohoError(401, 'OAUTH_SCOPE_MISMATCH', 'invalid oauth scope to access this URL');
}
