import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Per-tenant API tokens for the console's REST API: only a SHA-256 of each token is kept. */
export class ApiTokens1764000000000 implements MigrationInterface {
  name = 'ApiTokens1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE api_token (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
        name text NOT NULL,
        role text NOT NULL CONSTRAINT ck_api_token_role CHECK (role IN ('owner', 'operator', 'viewer')),
        token_hash text NOT NULL,
        token_prefix text NOT NULL,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz,
        last_used_at timestamptz,
        revoked_at timestamptz,
        CONSTRAINT uq_api_token_hash UNIQUE (token_hash)
      )`);
    await queryRunner.query(`CREATE INDEX ix_api_token_tenant_created ON api_token (tenant_id, created_at DESC)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE api_token`);
  }
}
