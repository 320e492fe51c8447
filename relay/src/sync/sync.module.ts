import { Module, type OnApplicationBootstrap } from '@nestjs/common';
import { AdminTokenGuard } from '../admin/admin-token.guard.js';
import { SapCommands } from '../sap/sap-commands.service.js';
import { TunnelModule } from '../tunnel/tunnel.module.js';
import { ZohoModule } from '../zoho/zoho.module.js';
import { ZohoRecordStore } from '../zoho/zoho-record-store.service.js';
import { FlowRunners } from './flow-runners.js';
import { JournalRetentionService } from './journal-retention.service.js';
import { CustomersFlow } from './flows/customers.flow.js';
import { InvoicesFlow } from './flows/invoices.flow.js';
import { PurchaseOrdersFlow } from './flows/purchase-orders.flow.js';
import { ReferenceDataFlow } from './flows/reference-data.flow.js';
import { VendorsFlow } from './flows/vendors.flow.js';
import { X3CustomersFlow } from './flows/x3-customers.flow.js';
import { X3DealsFlow } from './flows/x3-deals.flow.js';
import { X3SalesOrdersFlow } from './flows/x3-sales-orders.flow.js';
import { X3Commands } from '../sage-x3/x3-commands.service.js';
import { FlowAvailability } from './flow-availability.js';
import { X3Sites } from './x3-site.js';
import { ZohoPoller } from './flows/zoho-poller.js';
import { SyncController } from './sync.controller.js';
import { SyncFlowsRepository } from './sync-flows.repository.js';
import { SyncRecordsRepository } from './sync-records.repository.js';
import { SyncSchedulerService } from './sync-scheduler.service.js';
import { SYNC_KICK, SyncService } from './sync.service.js';
import { ZohoInboxRepository } from './zoho-inbox.repository.js';

/** The sync engine: flows, their schedules across replicas, links, journal, dead letters and replay. */
@Module({
  imports: [TunnelModule, ZohoModule],
  providers: [
    AdminTokenGuard, SapCommands, SyncFlowsRepository, SyncRecordsRepository, ZohoInboxRepository, ZohoPoller,
    CustomersFlow, VendorsFlow, PurchaseOrdersFlow, InvoicesFlow, ReferenceDataFlow, FlowRunners, SyncSchedulerService, SyncService, JournalRetentionService,
    { provide: SYNC_KICK, useExisting: SyncSchedulerService },
    X3Commands, X3Sites, FlowAvailability, X3CustomersFlow, X3DealsFlow, X3SalesOrdersFlow,
  ],
  controllers: [SyncController],
  exports: [SyncService],
})
export class SyncModule implements OnApplicationBootstrap {
  constructor(
    private readonly store: ZohoRecordStore,
    private readonly flows: SyncFlowsRepository,
    private readonly scheduler: SyncSchedulerService,
  ) {}

  /** A Zoho change (webhook or catch-up) wakes the flows that read that module. */
  onApplicationBootstrap(): void {
    this.store.onChange((tenantId, module) => {
      void this.flows.wake(tenantId, module).then((woken) => { if (woken > 0) this.scheduler.kick(); }, () => undefined);
    });
  }
}
