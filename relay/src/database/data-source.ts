import { DataSource } from 'typeorm';
import { AgentEntity } from '../agents/agent.entity.js';
import { EnrollmentTokenEntity } from '../agents/enrollment-token.entity.js';
import { TenantEntity } from '../tenants/tenant.entity.js';
import { InitialSchema1763888000000 } from './migrations/1763888000000-initial-schema.js';
import { RoutedStreamChunks1763889000000 } from './migrations/1763889000000-routed-stream-chunks.js';
import { ZohoConnection1763900000000 } from './migrations/1763900000000-zoho-connection.js';
import { ConsoleAuth1763910000000 } from './migrations/1763910000000-console-auth.js';
import { AgentProfiles1763920000000 } from './migrations/1763920000000-agent-profiles.js';
import { ApiTokens1764000000000 } from './migrations/1764000000000-api-tokens.js';
import { SyncEngine1763950000000 } from './migrations/1763950000000-sync-engine.js';
import { LeanSyncJournal1764100000000 } from './migrations/1764100000000-lean-sync-journal.js';
import { AppendOnlyJournal1764200000000 } from './migrations/1764200000000-append-only-journal.js';
import { RoutedCommandPickup1764300000000 } from './migrations/1764300000000-routed-command-pickup.js';
import { ZohoRecordPassed1764400000000 } from './migrations/1764400000000-zoho-record-passed.js';
import { ZOHO_ENTITIES } from '../zoho/zoho.entities.js';

export const ENTITIES = [TenantEntity, AgentEntity, EnrollmentTokenEntity, ...ZOHO_ENTITIES];
export const MIGRATIONS = [InitialSchema1763888000000, RoutedStreamChunks1763889000000, ZohoConnection1763900000000, ConsoleAuth1763910000000, AgentProfiles1763920000000, SyncEngine1763950000000, ApiTokens1764000000000, LeanSyncJournal1764100000000, AppendOnlyJournal1764200000000, RoutedCommandPickup1764300000000, ZohoRecordPassed1764400000000];

/** The relay's schema is owned by hand-written migrations; TypeORM never synchronizes it. */
export function createDataSource(url: string): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    synchronize: false,
    migrationsRun: false,
    extra: { max: 10 },
  });
}

// Replicas starting together must not race each other through the same migration.
const MIGRATION_LOCK_KEY = 7_740_001;

/** Opens the data source and applies pending migrations, one replica at a time. */
export async function openDataSource(url: string): Promise<DataSource> {
  const dataSource = createDataSource(url);
  await dataSource.initialize();
  const lock = dataSource.createQueryRunner();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await dataSource.runMigrations({ transaction: 'all' });
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lock.release();
  }
  return dataSource;
}
