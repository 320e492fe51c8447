import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The sync engine: flows per tenant (config, schedule, watermarks, a lease so one replica runs each
 * flow at a time), runs, links (one per record, pairing its keys across systems, with its sync state
 * and dead-letter reason) and the journal (one entry per attempt on a record).
 */
export class SyncEngine1763950000000 implements MigrationInterface {
  name = 'SyncEngine1763950000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE sync_flow (
        tenant_id uuid NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
        flow_key text NOT NULL,
        enabled boolean NOT NULL DEFAULT false,
        schedule_ms integer NOT NULL,
        config jsonb NOT NULL DEFAULT '{}'::jsonb,
        state jsonb NOT NULL DEFAULT '{}'::jsonb,
        next_run_at timestamptz,
        lease_owner text,
        lease_until timestamptz,
        pending_trigger text,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_sync_flow PRIMARY KEY (tenant_id, flow_key),
        CONSTRAINT ck_sync_flow_schedule CHECK (schedule_ms >= 1000)
      )`);
    await queryRunner.query(`CREATE INDEX ix_sync_flow_due ON sync_flow (next_run_at) WHERE enabled`);
    await queryRunner.query(`
      CREATE TABLE sync_run (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
        flow_key text NOT NULL,
        trigger text NOT NULL,
        status text NOT NULL,
        replica text NOT NULL,
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        records_seen integer NOT NULL DEFAULT 0,
        succeeded integer NOT NULL DEFAULT 0,
        skipped integer NOT NULL DEFAULT 0,
        retry_later integer NOT NULL DEFAULT 0,
        dead integer NOT NULL DEFAULT 0,
        sap_rows_read integer NOT NULL DEFAULT 0,
        error text,
        CONSTRAINT ck_sync_run_status CHECK (status IN ('running', 'succeeded', 'partial', 'failed', 'abandoned'))
      )`);
    await queryRunner.query(`CREATE INDEX ix_sync_run_tenant ON sync_run (tenant_id, started_at DESC)`);
    await queryRunner.query(`
      CREATE TABLE sync_link (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
        entity text NOT NULL,
        flow_key text NOT NULL,
        sap_key text,
        zoho_id text,
        status text NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        dead_reason text,
        synced_values jsonb,
        source jsonb,
        correlation_id uuid,
        synced_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_sync_link_status CHECK (status IN ('synced', 'pending', 'dead', 'writing')),
        CONSTRAINT ck_sync_link_keys CHECK (sap_key IS NOT NULL OR zoho_id IS NOT NULL)
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX uq_sync_link_sap ON sync_link (tenant_id, entity, sap_key) WHERE sap_key IS NOT NULL`);
    await queryRunner.query(`CREATE UNIQUE INDEX uq_sync_link_zoho ON sync_link (tenant_id, entity, zoho_id) WHERE zoho_id IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX ix_sync_link_status ON sync_link (tenant_id, flow_key, status) WHERE status <> 'synced'`);
    await queryRunner.query(`
      CREATE TABLE sync_journal (
        id bigserial PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
        link_id uuid NOT NULL REFERENCES sync_link (id) ON DELETE CASCADE,
        run_id uuid REFERENCES sync_run (id) ON DELETE SET NULL,
        flow_key text NOT NULL,
        attempt integer NOT NULL,
        outcome text NOT NULL,
        source jsonb,
        payload jsonb,
        request jsonb,
        response jsonb,
        error text,
        correlation_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_sync_journal_outcome CHECK (outcome IN ('succeeded', 'skipped', 'retry', 'dead'))
      )`);
    await queryRunner.query(`CREATE INDEX ix_sync_journal_link ON sync_journal (link_id, id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE sync_journal`);
    await queryRunner.query(`DROP TABLE sync_link`);
    await queryRunner.query(`DROP TABLE sync_run`);
    await queryRunner.query(`DROP TABLE sync_flow`);
  }
}
