import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ZohoConnectionEntity } from './entities/zoho-connection.entity.js';
import { ZohoWatchChannelEntity } from './entities/zoho-watch-channel.entity.js';
import { ZohoClientsService } from './zoho-clients.service.js';

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

/** How a tenant's Zoho connection is doing, for the admin API and the console alike. */
@Injectable()
export class ZohoStatusService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clients: ZohoClientsService,
  ) {}

  /** Undefined when the tenant never connected Zoho. */
  async status(tenantId: string): Promise<ZohoStatusView | undefined> {
    const row = await this.db.getRepository(ZohoConnectionEntity).findOneBy({ tenantId });
    if (!row) return undefined;
    const channels = await this.db.getRepository(ZohoWatchChannelEntity).find({ where: { tenantId }, order: { module: 'ASC' } });
    const usage = this.clients.usage(tenantId);
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
}
