import { type DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AdminTokenGuard } from './admin/admin-token.guard.js';
import { AgentDiagnosticsController } from './admin/agent-diagnostics.controller.js';
import { SapDiagnosticsController } from './admin/sap-diagnostics.controller.js';
import { AgentEntity } from './agents/agent.entity.js';
import { AgentsService } from './agents/agents.service.js';
import { EnrollmentController } from './agents/enrollment.controller.js';
import { ConsoleModule } from './console/console.module.js';
import { ConsoleSyncModule } from './console/console-sync.module.js';
import { OpenApiModule } from './openapi/openapi.module.js';
import { EnrollmentTokenEntity } from './agents/enrollment-token.entity.js';
import { EnrollmentService } from './agents/enrollment.service.js';
import type { Logger } from './common/logger.js';
import { DATABASE_URL, RELAY_CONFIG, RELAY_LOGGER } from './common/tokens.js';
import type { RelayConfig } from './config/relay-config.js';
import { ENTITIES } from './database/data-source.js';
import { HealthController } from './health/health.controller.js';
import { MetricsController } from './metrics/metrics.controller.js';
import { ZohoCreditMetrics } from './metrics/zoho-credit.metrics.js';
import { SapCommands } from './sap/sap-commands.service.js';
import { X3Commands } from './sage-x3/x3-commands.service.js';
import { X3DiagnosticsController } from './admin/x3-diagnostics.controller.js';
import { TenantEntity } from './tenants/tenant.entity.js';
import { TenantsService } from './tenants/tenants.service.js';
import { TunnelModule } from './tunnel/tunnel.module.js';
import { SyncModule } from './sync/sync.module.js';
import { ZohoModule } from './zoho/zoho.module.js';

export interface RelayContext {
  config: RelayConfig;
  logger: Logger;
  databaseUrl: string;
  /** Opened and migrated before Nest starts, so the CLI and the server share one path. */
  dataSource: DataSource;
}

/** Config, logger and database: what every relay process, server or CLI, needs. */
@Global()
@Module({})
export class RelayCoreModule {
  static forContext(context: RelayContext): DynamicModule {
    return {
      module: RelayCoreModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({ type: 'postgres', url: context.databaseUrl, entities: ENTITIES, synchronize: false }),
          dataSourceFactory: async () => context.dataSource,
        }),
        TypeOrmModule.forFeature([TenantEntity, AgentEntity, EnrollmentTokenEntity]),
      ],
      providers: [
        { provide: RELAY_CONFIG, useValue: context.config },
        { provide: RELAY_LOGGER, useValue: context.logger },
        { provide: DATABASE_URL, useValue: context.databaseUrl },
        TenantsService,
        AgentsService,
        EnrollmentService,
      ],
      exports: [RELAY_CONFIG, RELAY_LOGGER, DATABASE_URL, TypeOrmModule, TenantsService, AgentsService, EnrollmentService],
    };
  }
}

@Module({})
export class RelayAppModule {
  static forContext(context: RelayContext): DynamicModule {
    return {
      module: RelayAppModule,
      imports: [RelayCoreModule.forContext(context), TunnelModule, ZohoModule, SyncModule, ConsoleModule, ConsoleSyncModule, OpenApiModule],
      providers: [AdminTokenGuard, SapCommands, X3Commands, ZohoCreditMetrics],
      controllers: [EnrollmentController, HealthController, AgentDiagnosticsController, SapDiagnosticsController, X3DiagnosticsController, MetricsController],
    };
  }
}
