import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res, Sse, UseGuards, type MessageEvent } from '@nestjs/common';
import { Observable, distinctUntilChanged, from, map, switchMap, timer } from 'rxjs';
import { z } from 'zod';
import { AgentsService, type AgentView } from '../agents/agents.service.js';
import { EnrollmentService } from '../agents/enrollment.service.js';
import { DomainError } from '../common/domain-error.js';
import { parseBody } from '../common/parse-body.js';
import { RELAY_CONFIG } from '../common/tokens.js';
import type { RelayConfig } from '../config/relay-config.js';
import { ConsoleAuthService, requireRole, type ConsolePrincipal } from './console-auth.service.js';
import { ConsoleRepository, type AuditEntry } from './console.repository.js';
import { ConsoleSessionGuard, type ConsoleRequest } from './console-session.guard.js';
import { ApiRoute } from '../openapi/api-route.decorator.js';
import { agentView, auditQuery, auditView, enrollmentTokenView, meView, okView, revokedAgentView } from './console-api.schemas.js';
import { SESSION_COOKIE, clearedSessionCookie, readCookie, sessionCookie } from './session-cookie.js';

const loginBody = z.object({ email: z.string().min(1).max(320), password: z.string().min(1).max(1024) });
const tokenBody = z.object({ group: z.string().trim().min(1).max(63).default('default'), ttl_minutes: z.number().int().min(1).max(7 * 24 * 60).default(60) });

interface CookieResponse {
  setHeader(name: string, value: string): void;
}

const LIVE_REFRESH_MS = 2_000;

/** The JSON API behind the admin console (browser sessions, per-tenant roles). */
@Controller('console/api')
export class ConsoleApiController {
  constructor(
    private readonly auth: ConsoleAuthService,
    private readonly repository: ConsoleRepository,
    private readonly agents: AgentsService,
    private readonly enrollment: EnrollmentService,
    @Inject(RELAY_CONFIG) private readonly config: RelayConfig,
  ) {}

  @ApiRoute({ summary: 'Sign in: sets the HttpOnly session cookie', body: loginBody, response: okView })
  @Post('login')
  @HttpCode(200)
  async login(@Body() body: unknown, @Res({ passthrough: true }) response: CookieResponse): Promise<{ ok: true }> {
    const { email, password } = parseBody(loginBody, body);
    const session = await this.auth.login(email, password);
    response.setHeader('Set-Cookie', sessionCookie(session.token, session.expiresAt, Boolean(this.config.tls)));
    await this.repository.insertAudit(null, email, 'login', email, {});
    return { ok: true };
  }

  @ApiRoute({ summary: 'Sign out: ends the session', response: okView })
  @Post('logout')
  @HttpCode(200)
  @UseGuards(ConsoleSessionGuard)
  async logout(@Req() request: ConsoleRequest, @Res({ passthrough: true }) response: CookieResponse): Promise<{ ok: true }> {
    const token = readCookie(request.headers['cookie'], SESSION_COOKIE);
    if (token) await this.auth.logout(token);
    response.setHeader('Set-Cookie', clearedSessionCookie(Boolean(this.config.tls)));
    return { ok: true };
  }

  @ApiRoute({ summary: 'Who is calling: email, CSRF token, tenants and roles', response: meView })
  @Get('me')
  @UseGuards(ConsoleSessionGuard)
  me(@Req() request: ConsoleRequest): { email: string; csrf_token: string; tenants: Array<{ id: string; name: string; role: string }> } {
    const principal = principalOf(request);
    return { email: principal.email, csrf_token: principal.csrfToken, tenants: principal.memberships.map((m) => ({ id: m.tenantId, name: m.tenantName, role: m.role })) };
  }

  @ApiRoute({ summary: "The tenant's agents: state, version, transport, latency, ERP profiles (viewer)", response: z.array(agentView) })
  @Get('tenants/:tenant/agents')
  @UseGuards(ConsoleSessionGuard)
  async listAgents(@Req() request: ConsoleRequest, @Param('tenant') tenant: string): Promise<AgentView[]> {
    const membership = requireRole(principalOf(request), tenant, 'viewer');
    return this.agents.list(membership.tenantId, this.config.replicaStaleMs);
  }

  /** Server-sent events: the tenant's agent list whenever it changes, so the page stays live. */
  @ApiRoute({ summary: 'Live agent list: an `agents` event with the whole list whenever it changes (viewer)' })
  @Sse('tenants/:tenant/events')
  @UseGuards(ConsoleSessionGuard)
  events(@Req() request: ConsoleRequest, @Param('tenant') tenant: string): Observable<MessageEvent> {
    const membership = requireRole(principalOf(request), tenant, 'viewer');
    return timer(0, LIVE_REFRESH_MS).pipe(
      switchMap(() => from(this.agents.list(membership.tenantId, this.config.replicaStaleMs))),
      map((agents) => JSON.stringify(agents)),
      distinctUntilChanged(),
      map((data) => ({ type: 'agents', data })),
    );
  }

  @ApiRoute({ summary: 'Revoke an agent: it is disconnected and can never connect again (operator)', response: revokedAgentView })
  @Post('tenants/:tenant/agents/:id/revoke')
  @HttpCode(200)
  @UseGuards(ConsoleSessionGuard)
  async revoke(@Req() request: ConsoleRequest, @Param('tenant') tenant: string, @Param('id') id: string): Promise<{ id: string; revoked_at: string | undefined }> {
    const principal = principalOf(request);
    const membership = requireRole(principal, tenant, 'operator');
    const agent = await this.agents.findById(id);
    if (!agent || agent.tenantId !== membership.tenantId) throw new DomainError('NOT_FOUND', `no agent "${id}" in ${membership.tenantName}`, { field: 'agent' });
    const revoked = await this.agents.revoke(id);
    await this.repository.insertAudit(membership.tenantId, principal.email, 'agent.revoke', id, { name: agent.name });
    return { id, revoked_at: revoked.revokedAt?.toISOString() };
  }

  @ApiRoute({ summary: 'Create a single-use enrollment token for a new agent (operator)', body: tokenBody, response: enrollmentTokenView })
  @Post('tenants/:tenant/enrollment-tokens')
  @HttpCode(201)
  @UseGuards(ConsoleSessionGuard)
  async createToken(@Req() request: ConsoleRequest, @Param('tenant') tenant: string, @Body() body: unknown): Promise<{ token: string; group: string; expires_at: string }> {
    const principal = principalOf(request);
    const membership = requireRole(principal, tenant, 'operator');
    const { group, ttl_minutes } = parseBody(tokenBody, body);
    const issued = await this.enrollment.issueToken(membership.tenantId, { groupName: group, ttlMs: ttl_minutes * 60_000 });
    // The token itself is shown once and never stored or audited.
    await this.repository.insertAudit(membership.tenantId, principal.email, 'enrollment_token.create', group, { ttl_minutes });
    return { token: issued.token, group: issued.groupName, expires_at: issued.expiresAt.toISOString() };
  }

  @ApiRoute({ summary: 'The admin actions in this tenant, newest first (viewer)', query: auditQuery, response: auditView })
  @Get('tenants/:tenant/audit')
  @UseGuards(ConsoleSessionGuard)
  async audit(@Req() request: ConsoleRequest, @Param('tenant') tenant: string, @Query('limit') limit?: string): Promise<AuditEntry[]> {
    const membership = requireRole(principalOf(request), tenant, 'viewer');
    return this.repository.audit(membership.tenantId, Math.min(500, Math.max(1, Number(limit ?? 100) || 100)));
  }
}

function principalOf(request: ConsoleRequest): ConsolePrincipal {
  if (!request.principal) throw new DomainError('UNAUTHORIZED', 'not signed in');
  return request.principal;
}
