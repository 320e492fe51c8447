import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { ZohoClientsService } from '../zoho/zoho-clients.service.js';
import { RelayMetrics } from './relay-metrics.service.js';

/**
 * Zoho API budget per tenant on this replica, read at scrape time: credits used in the rolling
 * 24 h against the edition's daily allowance, and calls in flight against its concurrency. Each
 * replica counts its own calls, so a dashboard sums the replicas.
 */
@Injectable()
export class ZohoCreditMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: RelayMetrics,
    private readonly clients: ZohoClientsService,
  ) {}

  onModuleInit(): void {
    const clients = this.clients;
    const registers = [this.metrics.registry];
    const perTenant = (name: string, help: string, read: (usage: ReturnType<ZohoClientsService['allUsage']>[number]['usage']) => number): void => {
      new Gauge({
        name,
        help,
        labelNames: ['tenant'],
        registers,
        collect(): void {
          this.reset();
          for (const { tenantId, usage } of clients.allUsage()) this.set({ tenant: tenantId }, read(usage));
        },
      });
    };
    perTenant('mlc_zoho_credits_used', 'Zoho API credits this replica spent for the tenant in the rolling 24 h', (u) => u.creditsUsed);
    perTenant('mlc_zoho_credits_per_day', "The tenant's Zoho API credits per 24 h (by edition and licences)", (u) => u.creditsPerDay);
    perTenant('mlc_zoho_calls_in_flight', 'Zoho API calls this replica has open for the tenant', (u) => u.inFlight);
    perTenant('mlc_zoho_concurrency_limit', "The tenant's Zoho concurrent-call limit (by edition)", (u) => u.concurrency);
  }
}
