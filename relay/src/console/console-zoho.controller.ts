import { Controller, Get, HttpCode, Inject, Param, Post, Req, Sse, UseGuards, type MessageEvent } from '@nestjs/common';
import { Observable, distinctUntilChanged, from, map, switchMap, timer } from 'rxjs';
import { DomainError } from '../common/domain-error.js';
import { RELAY_CONFIG } from '../common/tokens.js';
import type { RelayConfig } from '../config/relay-config.js';
import { ZohoConnectService } from '../zoho/zoho-connect.service.js';
import { ZohoDisconnectService } from '../zoho/zoho-disconnect.service.js';
import { ZohoStatusService, type ZohoStatusView } from '../zoho/zoho-status.service.js';
import { requireRole, type ConsolePrincipal } from './console-auth.service.js';
import { ConsoleRepository } from './console.repository.js';
import { ConsoleSessionGuard, type ConsoleRequest } from './console-session.guard.js';
import { ApiRoute } from '../openapi/api-route.decorator.js';
import { consoleZohoView, zohoConnectStartView, zohoDisconnectedView } from './console-api.schemas.js';

export interface ConsoleZohoView {
  /** Whether this relay has a Zoho client (ZOHO_CLIENT_ID); without one nobody can connect. */
  configured: boolean;
  connection: ZohoStatusView | null;
}

const LIVE_REFRESH_MS = 2_000;

/** The Connections page: the tenant's Zoho connection, connect and reconnect through OAuth, disconnect. */
@Controller('console/api/tenants/:tenant/zoho')
@UseGuards(ConsoleSessionGuard)
export class ConsoleZohoController {
  constructor(
    private readonly statusService: ZohoStatusService,
    private readonly connectService: ZohoConnectService,
    private readonly disconnectService: ZohoDisconnectService,
    private readonly repository: ConsoleRepository,
    @Inject(RELAY_CONFIG) private readonly config: RelayConfig,
  ) {}

  @ApiRoute({ summary: "The tenant's Zoho connection: status, region, edition, credits, watch channels (viewer)", response: consoleZohoView })
  @Get()
  async status(@Req() request: ConsoleRequest, @Param('tenant') tenant: string): Promise<ConsoleZohoView> {
    const membership = requireRole(principalOf(request), tenant, 'viewer');
    return this.view(membership.tenantId);
  }

  /** Server-sent events: the connection whenever it changes (status, credits, channel renewals). */
  @ApiRoute({ summary: 'Live Zoho connection: a `zoho` event whenever it changes (viewer)' })
  @Sse('events')
  events(@Req() request: ConsoleRequest, @Param('tenant') tenant: string): Observable<MessageEvent> {
    const membership = requireRole(principalOf(request), tenant, 'viewer');
    return timer(0, LIVE_REFRESH_MS).pipe(
      switchMap(() => from(this.view(membership.tenantId))),
      map((view) => JSON.stringify(view)),
      distinctUntilChanged(),
      map((data) => ({ type: 'zoho', data })),
    );
  }

  /** Connect or reconnect: the browser is sent to `authorize_url` and comes back to the console. */
  @ApiRoute({ summary: 'Connect or reconnect Zoho: answers the consent URL; Zoho sends the browser back to the console (owner)', response: zohoConnectStartView })
  @Post('connect')
  @HttpCode(201)
  async connect(@Req() request: ConsoleRequest, @Param('tenant') tenant: string): Promise<{ authorize_url: string; expires_at: string }> {
    const principal = principalOf(request);
    const membership = requireRole(principal, tenant, 'owner');
    const started = await this.connectService.start(membership.tenantId);
    await this.repository.insertAudit(membership.tenantId, principal.email, 'zoho.connect', 'zoho', {});
    return { authorize_url: started.authorizeUrl, expires_at: started.expiresAt.toISOString() };
  }

  @ApiRoute({ summary: 'Disconnect Zoho: stops the watch channels, revokes and forgets the tokens (owner)', response: zohoDisconnectedView })
  @Post('disconnect')
  @HttpCode(200)
  async disconnect(@Req() request: ConsoleRequest, @Param('tenant') tenant: string): Promise<{ status: 'disconnected' }> {
    const principal = principalOf(request);
    const membership = requireRole(principal, tenant, 'owner');
    await this.disconnectService.disconnect(membership.tenantId);
    await this.repository.insertAudit(membership.tenantId, principal.email, 'zoho.disconnect', 'zoho', {});
    return { status: 'disconnected' };
  }

  private async view(tenantId: string): Promise<ConsoleZohoView> {
    return { configured: Boolean(this.config.zoho), connection: (await this.statusService.status(tenantId)) ?? null };
  }
}

function principalOf(request: ConsoleRequest): ConsolePrincipal {
  if (!request.principal) throw new DomainError('UNAUTHORIZED', 'not signed in');
  return request.principal;
}
