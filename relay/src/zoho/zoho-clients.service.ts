import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { COMPLEX_CONCURRENCY, ZohoBudget, ZohoCrmClient, ZohoRecordsApi, ZohoWatchApi, editionConcurrency, editionDailyCredits, isZohoEdition, type ZohoBudgetUsage } from '@mlc/zoho';
import { DomainError } from '../common/domain-error.js';
import { ZohoConnectionEntity } from './entities/zoho-connection.entity.js';
import { ZohoTokenService } from './zoho-token.service.js';

export interface TenantZoho {
  readonly records: ZohoRecordsApi;
  readonly watch: ZohoWatchApi;
  readonly client: ZohoCrmClient;
}

/** How long a tenant's client is handed out before its connection row is checked again (edition, disconnect). */
const CONNECTION_RECHECK_MS = 5_000;

/**
 * One Zoho client per tenant on this replica, with a budget sized by the org's edition. Tokens come
 * from ZohoTokenService, which shares them across replicas.
 */
@Injectable()
export class ZohoClientsService {
  private readonly clients = new Map<string, { edition: string; zoho: TenantZoho; checkedAt: number }>();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly tokens: ZohoTokenService,
  ) {}

  async forTenant(tenantId: string): Promise<TenantZoho> {
    const known = this.clients.get(tenantId);
    if (known && performance.now() - known.checkedAt < CONNECTION_RECHECK_MS) return known.zoho;
    const row = await this.db.getRepository(ZohoConnectionEntity).findOneBy({ tenantId });
    if (!row || row.status === 'disconnected') throw new DomainError('NOT_FOUND', 'this tenant has no Zoho connection', { reason: 'zoho_not_connected', tenant: tenantId });
    const cached = this.clients.get(tenantId);
    if (cached && cached.edition === row.edition) {
      cached.checkedAt = performance.now();
      return cached.zoho;
    }
    const edition = isZohoEdition(row.edition) ? row.edition : 'free';
    const budget = cached?.zoho.client.budget ?? ZohoBudget.forEdition(edition, row.licensedUsers);
    budget.setLimits({ concurrency: editionConcurrency(edition), complexConcurrency: COMPLEX_CONCURRENCY, creditsPerDay: editionDailyCredits(edition, row.licensedUsers) });
    const client = new ZohoCrmClient({
      budget,
      tokens: { current: () => this.tokens.access(tenantId), renew: (rejected) => this.tokens.renew(tenantId, rejected) },
    });
    const zoho = { client, records: new ZohoRecordsApi(client), watch: new ZohoWatchApi(client) };
    this.clients.set(tenantId, { edition: row.edition, zoho, checkedAt: performance.now() });
    return zoho;
  }

  usage(tenantId: string): ZohoBudgetUsage | undefined {
    return this.clients.get(tenantId)?.zoho.client.budget.usage();
  }

  /** Every tenant with a client on this replica, and its budget now (for the metrics). */
  allUsage(): Array<{ tenantId: string; usage: ZohoBudgetUsage }> {
    return [...this.clients].map(([tenantId, { zoho }]) => ({ tenantId, usage: zoho.client.budget.usage() }));
  }

  forget(tenantId: string): void {
    this.clients.delete(tenantId);
    this.tokens.forget(tenantId);
  }
}
