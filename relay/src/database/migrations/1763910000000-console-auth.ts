import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Console users, their roles per tenant, browser sessions, and the audit trail of admin actions. */
export class ConsoleAuth1763910000000 implements MigrationInterface {
  name = 'ConsoleAuth1763910000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE console_user (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL,
        password_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_console_user_email UNIQUE (email)
      )`);
    await queryRunner.query(`
      CREATE TABLE tenant_membership (
        user_id uuid NOT NULL REFERENCES console_user (id) ON DELETE CASCADE,
        tenant_id uuid NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
        role text NOT NULL CONSTRAINT ck_tenant_membership_role CHECK (role IN ('owner', 'operator', 'viewer')),
        CONSTRAINT pk_tenant_membership PRIMARY KEY (user_id, tenant_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE console_session (
        token_hash text PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES console_user (id) ON DELETE CASCADE,
        csrf_token text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX ix_console_session_expires ON console_session (expires_at)`);
    await queryRunner.query(`
      CREATE TABLE audit_event (
        id bigserial PRIMARY KEY,
        tenant_id uuid REFERENCES tenant (id) ON DELETE CASCADE,
        actor text NOT NULL,
        action text NOT NULL,
        target text NOT NULL,
        detail jsonb NOT NULL DEFAULT '{}'::jsonb,
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX ix_audit_event_tenant_at ON audit_event (tenant_id, at DESC)`);
    // The relay measures each agent's round trip; publishing it lets every replica show it.
    await queryRunner.query(`ALTER TABLE agent_session ADD COLUMN rtt_ms real`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE agent_session DROP COLUMN rtt_ms`);
    await queryRunner.query(`DROP TABLE audit_event`);
    await queryRunner.query(`DROP TABLE console_session`);
    await queryRunner.query(`DROP TABLE tenant_membership`);
    await queryRunner.query(`DROP TABLE console_user`);
  }
}
