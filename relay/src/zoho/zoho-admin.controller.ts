import { Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ZohoApiError, ZohoBudgetExhaustedError, type ZohoRecord } from '@mlc/zoho';
import { AdminTokenGuard } from '../admin/admin-token.guard.js';
import { DomainError } from '../common/domain-error.js';
import { TenantsService } from '../tenants/tenants.service.js';
import { ZohoClientsService } from './zoho-clients.service.js';
import { ZohoConnectService } from './zoho-connect.service.js';
import { ZohoDisconnectService } from './zoho-disconnect.service.js';
import { ZohoStatusService, type ZohoStatusView } from './zoho-status.service.js';

/** The operator's view of a tenant's Zoho connection (admin token required). */
@Controller('v1/tenants/:tenant/zoho')
@UseGuards(AdminTokenGuard)
export class ZohoAdminController {
  constructor(
    private readonly tenants: TenantsService,
    private readonly connect: ZohoConnectService,
    private readonly disconnectService: ZohoDisconnectService,
    private readonly clients: ZohoClientsService,
    private readonly statusService: ZohoStatusService,
  ) {}

  /** Starts the OAuth flow: send the admin's browser to `authorize_url`. */
  @Post('connect')
  async start(@Param('tenant') tenant: string): Promise<{ authorize_url: string; expires_at: Date }> {
    const { id } = await this.tenants.resolve(tenant);
    const started = await this.connect.start(id);
    return { authorize_url: started.authorizeUrl, expires_at: started.expiresAt };
  }

  @Get()
  async status(@Param('tenant') tenant: string): Promise<ZohoStatusView> {
    const { id } = await this.tenants.resolve(tenant);
    const view = await this.statusService.status(id);
    if (!view) throw new DomainError('NOT_FOUND', 'this tenant has no Zoho connection', { reason: 'zoho_not_connected' });
    return view;
  }

  @Delete()
  @HttpCode(200)
  async disconnect(@Param('tenant') tenant: string): Promise<{ status: 'disconnected' }> {
    const { id } = await this.tenants.resolve(tenant);
    await this.disconnectService.disconnect(id);
    return { status: 'disconnected' };
  }

  /** Reads one record through the tenant's connection: a diagnostic that exercises the whole token path. */
  @Get('records/:module/:id')
  async record(@Param('tenant') tenant: string, @Param('module') module: string, @Param('id') recordId: string): Promise<{ record: ZohoRecord }> {
    const { id } = await this.tenants.resolve(tenant);
    const { records } = await this.clients.forTenant(id);
    const record = await records.get(module, recordId).catch(zohoToDomain);
    if (!record) throw new DomainError('NOT_FOUND', `no ${module} record ${recordId} in Zoho`, { reason: 'zoho_record_not_found' });
    return { record };
  }
}

/** Zoho's own refusals as the relay's error codes: Zoho down or throttling is the operator's, a 4xx the user's. */
export function zohoToDomain(err: unknown): never {
  if (err instanceof ZohoBudgetExhaustedError) throw new DomainError('UNAVAILABLE', err.message, { reason: 'zoho_credits_exhausted' });
  if (err instanceof ZohoApiError) {
    if (err.retryable) throw new DomainError('UNAVAILABLE', err.message, { reason: 'zoho_unavailable', code: err.code });
    throw new DomainError('INVALID_INPUT', err.message, { reason: 'zoho_refused', code: err.code });
  }
  throw err;
}
