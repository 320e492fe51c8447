import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ZohoConnection1763900000000 implements MigrationInterface {
  name = 'ZohoConnection1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // One Zoho org per tenant. Tokens are AES-256-GCM ciphertexts under a master key kept outside the
    // database; *_key_id names that key so it can be rotated.
    await queryRunner.query(`
      CREATE TABLE zoho_connection (
        tenant_id uuid PRIMARY KEY REFERENCES tenant (id) ON DELETE CASCADE,
        status text NOT NULL,
        region text NOT NULL,
        accounts_server text NOT NULL,
        api_domain text NOT NULL,
        edition text NOT NULL,
        licensed_users integer NOT NULL DEFAULT 1,
        refresh_token_ciphertext text,
        refresh_token_key_id text,
        access_token_ciphertext text,
        access_token_key_id text,
        access_token_expires_at timestamptz,
        refresh_count integer NOT NULL DEFAULT 0,
        last_error text,
        connected_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_zoho_connection_status CHECK (status IN ('connected', 'reconnect_required', 'disconnected'))
      )`);
    // A started connect flow; the state travels through the browser, only its hash is kept.
    await queryRunner.query(`
      CREATE TABLE zoho_oauth_state (
        state_hash text PRIMARY KEY,
        tenant_id uuid NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      )`);
    await queryRunner.query(`
      CREATE TABLE zoho_watch_channel (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
        module text NOT NULL,
        channel_id text NOT NULL,
        token_ciphertext text NOT NULL,
        token_key_id text NOT NULL,
        expires_at timestamptz NOT NULL,
        checked_at timestamptz NOT NULL DEFAULT now(),
        caught_up_at timestamptz,
        modified_watermark timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        renewed_at timestamptz,
        CONSTRAINT uq_zoho_watch_channel_channel UNIQUE (channel_id),
        CONSTRAINT uq_zoho_watch_channel_tenant_module UNIQUE (tenant_id, module)
      )`);
    // Callbacks as received: written before the 200, deduplicated, then worked off.
    await queryRunner.query(`
      CREATE TABLE zoho_event (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
        channel_id text NOT NULL,
        dedupe_key text NOT NULL,
        module text NOT NULL,
        operation text NOT NULL,
        record_ids text[] NOT NULL,
        server_time timestamptz,
        status text NOT NULL DEFAULT 'pending',
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        received_at timestamptz NOT NULL DEFAULT now(),
        processed_at timestamptz,
        CONSTRAINT uq_zoho_event_dedupe UNIQUE (channel_id, dedupe_key),
        CONSTRAINT ck_zoho_event_status CHECK (status IN ('pending', 'done', 'failed'))
      )`);
    await queryRunner.query(`CREATE INDEX ix_zoho_event_pending ON zoho_event (tenant_id, received_at) WHERE status = 'pending'`);
    // The latest full record fetched from Zoho (by callback or catch-up): the sync's inbox.
    await queryRunner.query(`
      CREATE TABLE zoho_record (
        tenant_id uuid NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
        module text NOT NULL,
        record_id text NOT NULL,
        modified_time timestamptz,
        deleted boolean NOT NULL DEFAULT false,
        data jsonb,
        fetched_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_zoho_record PRIMARY KEY (tenant_id, module, record_id)
      )`);
    await queryRunner.query(`CREATE INDEX ix_zoho_record_modified ON zoho_record (tenant_id, module, modified_time)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE zoho_record`);
    await queryRunner.query(`DROP TABLE zoho_event`);
    await queryRunner.query(`DROP TABLE zoho_watch_channel`);
    await queryRunner.query(`DROP TABLE zoho_oauth_state`);
    await queryRunner.query(`DROP TABLE zoho_connection`);
  }
}
