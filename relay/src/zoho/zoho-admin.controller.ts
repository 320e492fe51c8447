import { Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ZohoApiError, ZohoBudgetExhaustedError, type ZohoRecord } from '@mlc/zoho';
import { AdminTokenGuard } from '../admin/admin-token.guard.js';
import { DomainError } from '../common/domain-error.js';
import { TenantsService } from '../tenants/tenants.service.js';
import { ZohoConnectionEntity } from './entities/zoho-connection.entity.js';
import { ZohoWatchChannelEntity } from './entities/zoho-watch-channel.entity.js';
import { ZohoClientsService } from './zoho-clients.service.js';
import { ZohoConnectService } from './zoho-connect.service.js';
import { ZohoDisconnectService } from './zoho-disconnect.service.js';

export interface ZohoStatusView {
  status: string;
  region: string;
  accounts_server: string;
  api_domain: string;
  edition: string;
  connected_at: Date;
  last_error: string | null;
  access_token_expires_at: Date | null;
  refresh_count: number;
  credits: { used_on_this_replica: number; per_day: number; concurrency: number } | null;
  channels: Array<{ module: string; channel_id: string; expires_at: Date; renewed_at: Date | null; caught_up_at: Date | null }>;
}

/** The operator's view of a tenant's Zoho connection (admin token required). */
@Controller('v1/tenants/:tenant/zoho')
@UseGuards(AdminTokenGuard)
export class ZohoAdminController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly tenants: TenantsService,
    private readonly connect: ZohoConnectService,
    private readonly disconnectService: ZohoDisconnectService,
    private readonly clients: ZohoClientsService,
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
    const row = await this.db.getRepository(ZohoConnectionEntity).findOneBy({ tenantId: id });
    if (!row) throw new DomainError('NOT_FOUND', 'this tenant has no Zoho connection', { reason: 'zoho_not_connected' });
    const channels = await this.db.getRepository(ZohoWatchChannelEntity).find({ where: { tenantId: id }, order: { module: 'ASC' } });
    const usage = this.clients.usage(id);
    return {
      status: row.status,
      region: row.region,
      accounts_server: row.accountsServer,
      api_domain: row.apiDomain,
      edition: row.edition,
      connected_at: row.connectedAt,
      last_error: row.lastError,
      access_token_expires_at: row.accessTokenExpiresAt,
      refresh_count: row.refreshCount,
      credits: usage ? { used_on_this_replica: usage.creditsUsed, per_day: usage.creditsPerDay, concurrency: usage.concurrency } : null,
      channels: channels.map((c) => ({ module: c.module, channel_id: c.channelId, expires_at: c.expiresAt, renewed_at: c.renewedAt, caught_up_at: c.caughtUpAt })),
    };
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
