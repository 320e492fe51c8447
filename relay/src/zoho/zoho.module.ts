import { Module } from '@nestjs/common';
import { ZohoOAuthClient } from '@mlc/zoho';
import { AdminTokenGuard } from '../admin/admin-token.guard.js';
import { RELAY_CONFIG } from '../common/tokens.js';
import type { RelayConfig } from '../config/relay-config.js';
import { MasterKeyCipher } from './master-key.cipher.js';
import { ZohoAdminController } from './zoho-admin.controller.js';
import { ZohoChannelsService } from './zoho-channels.service.js';
import { ZohoClientsService } from './zoho-clients.service.js';
import { ZohoConnectService } from './zoho-connect.service.js';
import { ZohoDisconnectService } from './zoho-disconnect.service.js';
import { ZohoEventsService } from './zoho-events.service.js';
import { ZohoOAuthController } from './zoho-oauth.controller.js';
import { ZohoRecordStore } from './zoho-record-store.service.js';
import { ZohoSchedulerService } from './zoho-scheduler.service.js';
import { ZohoStatusService } from './zoho-status.service.js';
import { ZohoTokenService } from './zoho-token.service.js';
import { ZohoWebhookController } from './zoho-webhook.controller.js';
import { ZohoWebhookService } from './zoho-webhook.service.js';
import { SYSTEM_CLOCK, ZOHO_OAUTH, type Clock } from './zoho.tokens.js';

/** Zoho CRM: OAuth connect, shared token lifecycle, clients per tenant, webhook intake, watch channels. */
@Module({
  providers: [
    // A factory, not a value: one clock per application, never shared through module metadata.
    { provide: SYSTEM_CLOCK, useFactory: (): Clock => ({ now: () => Date.now() }) },
    {
      provide: ZOHO_OAUTH,
      inject: [RELAY_CONFIG],
      // Without ZOHO_CLIENT_ID every entry point answers "Zoho is not configured" before using this.
      useFactory: (config: RelayConfig) => new ZohoOAuthClient({ clientId: config.zoho?.clientId ?? '', clientSecret: config.zoho?.clientSecret ?? '', redirectUri: config.zoho?.redirectUri ?? '' }),
    },
    AdminTokenGuard,
    MasterKeyCipher,
    ZohoTokenService,
    ZohoClientsService,
    ZohoConnectService,
    ZohoDisconnectService,
    ZohoRecordStore,
    ZohoEventsService,
    ZohoChannelsService,
    ZohoWebhookService,
    ZohoSchedulerService,
    ZohoStatusService,
  ],
  controllers: [ZohoAdminController, ZohoOAuthController, ZohoWebhookController],
  exports: [ZohoTokenService, ZohoClientsService, ZohoRecordStore, ZohoChannelsService, ZohoEventsService, ZohoSchedulerService, ZohoConnectService, ZohoDisconnectService, ZohoStatusService],
})
export class ZohoModule {}
