import { dataCentreUrls } from './data-centres.js';
import { zohoDateTime } from './sim-clock.js';
import { HttpReply, sendJson, sendReply, type JsonObject } from './http-kit.js';
import type { RouteRequest, SimContext } from './sim-context.js';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function tokenParams(request: RouteRequest): URLSearchParams {
  // Zoho takes token parameters from the query string or a form body; merge both.
  const params = new URLSearchParams(request.query);
  const type = request.req.headers['content-type'] ?? '';
  if (request.body && type.includes('application/x-www-form-urlencoded')) {
    for (const [key, value] of new URLSearchParams(request.body)) params.set(key, value);
  }
  return params;
}

function redirectWith(redirectUri: string, params: Record<string, string>): HttpReply {
  const target = new URL(redirectUri);
  for (const [key, value] of Object.entries(params)) target.searchParams.set(key, value);
  return new HttpReply(302, undefined, { location: target.toString() });
}

function approvedRedirect(ctx: SimContext, params: URLSearchParams): HttpReply {
  const clientId = params.get('client_id') ?? '';
  const redirectUri = params.get('redirect_uri') ?? '';
  const scopes = (params.get('scope') ?? '').split(/[,\s]+/).filter(Boolean);
  const dc = ctx.settings.orgDc;
  const code = ctx.oauth.issueCode(clientId, redirectUri, scopes, dc, params.get('access_type') === 'offline');
  const extra: Record<string, string> = {
    code,
    location: dc,
    'accounts-server': dataCentreUrls(ctx.baseUrl(), dc).accountsServer,
  };
  const state = params.get('state');
  if (state !== null) extra.state = state;
  return redirectWith(redirectUri, extra);
}

function checkAuthorizeRequest(ctx: SimContext, params: URLSearchParams): void {
  const client = ctx.oauth.client(params.get('client_id') ?? '');
  if (!client) throw new HttpReply(400, '<html><body><h1>Invalid Client</h1><p>The client_id is not registered.</p></body></html>');
  const redirectUri = params.get('redirect_uri') ?? '';
  if (client.redirectUris.length > 0 && !client.redirectUris.includes(redirectUri)) {
    throw new HttpReply(400, '<html><body><h1>Invalid Redirect Uri</h1><p>The redirect_uri does not match the client.</p></body></html>');
  }
  if (params.get('response_type') !== 'code') throw redirectWith(redirectUri, { error: 'unsupported_response_type' });
}

function consentPage(request: RouteRequest, params: URLSearchParams): string {
  const hidden = [...params]
    .map(([key, value]) => `<input type="hidden" name="${escapeHtml(key)}" value="${escapeHtml(value)}">`)
    .join('\n');
  return `<!doctype html><html><head><title>Zoho Accounts (simulated, ${request.dc})</title></head><body>
<h1>Allow access?</h1><p>Client <b>${escapeHtml(params.get('client_id') ?? '')}</b> asks for:
<code>${escapeHtml(params.get('scope') ?? '')}</code></p>
<form method="post" action="/dc/${request.dc}/accounts/oauth/v2/auth/approve">
${hidden}
<button type="submit" name="decision" value="accept">Accept</button>
<button type="submit" name="decision" value="deny">Reject</button>
</form></body></html>`;
}

function tokenResponse(ctx: SimContext, request: RouteRequest): JsonObject {
  const params = tokenParams(request);
  const clientId = params.get('client_id') ?? '';
  const clientSecret = params.get('client_secret') ?? '';
  const grantType = params.get('grant_type');
  const apiDomain = dataCentreUrls(ctx.baseUrl(), request.dc).apiDomain;
  if (grantType === 'authorization_code') {
    const result = ctx.oauth.exchangeCode(request.dc, clientId, clientSecret, params.get('redirect_uri') ?? '', params.get('code') ?? '');
    if (!result.ok) return { error: result.error };
    const body: JsonObject = { access_token: result.accessToken };
    if (result.refreshToken) body.refresh_token = result.refreshToken;
    return { ...body, scope: result.scopes.join(' '), api_domain: apiDomain, token_type: 'Bearer', expires_in: result.expiresInSec };
  }
  if (grantType === 'refresh_token') {
    const result = ctx.oauth.refresh(request.dc, clientId, clientSecret, params.get('refresh_token') ?? '');
    if (!result.ok && result.throttled) {
      return {
        error_description: 'You have made too many requests continuously. Please try again after some time.',
        error: 'Access Denied',
        status: 'failure',
      };
    }
    if (!result.ok) return { error: result.error };
    // No refresh_token on refresh: a client must keep the one it got from the code exchange.
    return { access_token: result.accessToken, scope: result.scopes.join(' '), api_domain: apiDomain, token_type: 'Bearer', expires_in: result.expiresInSec };
  }
  return { error: 'unsupported_grant_type' };
}

/** {accounts}/oauth/v2/... ; accounts errors come back as HTTP 200 with an `error` field, like Zoho's. */
export function handleAccounts(ctx: SimContext, request: RouteRequest): void {
  const { method, path, res } = request;
  if (method === 'GET' && path === '/oauth/v2/auth') {
    checkAuthorizeRequest(ctx, request.query);
    if (ctx.settings.autoApprove) throw approvedRedirect(ctx, request.query);
    sendReply(res, 200, consentPage(request, request.query));
    return;
  }
  if (method === 'POST' && path === '/oauth/v2/auth/approve') {
    const params = new URLSearchParams(request.body);
    checkAuthorizeRequest(ctx, params);
    // RFC 6749 4.1.2.1: an error response carries the client's state too, so it can tell which request failed.
    const state = params.get('state');
    if (params.get('decision') !== 'accept') throw redirectWith(params.get('redirect_uri') ?? '', { error: 'access_denied', ...(state === null ? {} : { state }) });
    throw approvedRedirect(ctx, params);
  }
  if (method === 'POST' && path === '/oauth/v2/token') {
    const answer = tokenResponse(ctx, request);
    const error = answer.error;
    ctx.log.addTokenCall({ at: zohoDateTime(ctx.clock.now()), dc: request.dc, grantType: tokenParams(request).get('grant_type') ?? '', outcome: typeof error === 'string' ? error : 'ok' });
    sendJson(res, 200, answer);
    return;
  }
  if (method === 'POST' && path === '/oauth/v2/token/revoke') {
    const token = tokenParams(request).get('token') ?? '';
    sendJson(res, 200, ctx.oauth.revoke(token) ? { status: 'success' } : { error: 'invalid_token', status: 'failure' });
    return;
  }
  sendJson(res, 404, { error: 'invalid_url', status: 'failure' });
}
