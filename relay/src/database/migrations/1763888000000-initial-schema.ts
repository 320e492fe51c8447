import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1763888000000 implements MigrationInterface {
  name = 'InitialSchema1763888000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE tenant (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_tenant_name UNIQUE (name)
      )`);
    await queryRunner.query(`
      CREATE TABLE enrollment_token (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
        token_hash text NOT NULL,
        group_name text NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        used_by_agent_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_enrollment_token_hash UNIQUE (token_hash)
      )`);
    await queryRunner.query(`
      CREATE TABLE agent (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
        name text NOT NULL,
        group_name text NOT NULL,
        public_key text NOT NULL,
        version text,
        transport text,
        hostname text,
        last_seen_at timestamptz,
        enrolled_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX ix_agent_tenant_group ON agent (tenant_id, group_name)`);
    // Which replica holds each agent's live stream; the others route calls through it.
    await queryRunner.query(`
      CREATE TABLE relay_replica (
        id uuid PRIMARY KEY,
        host text NOT NULL,
        started_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE agent_session (
        agent_id uuid PRIMARY KEY REFERENCES agent (id) ON DELETE CASCADE,
        replica_id uuid NOT NULL REFERENCES relay_replica (id) ON DELETE CASCADE,
        session_id text NOT NULL,
        transport text NOT NULL,
        in_flight integer NOT NULL DEFAULT 0,
        connected_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX ix_agent_session_replica ON agent_session (replica_id)`);
    // A command made on one replica for an agent held by another, and its answer.
    await queryRunner.query(`
      CREATE TABLE routed_command (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        origin_replica uuid NOT NULL,
        target_replica uuid NOT NULL,
        agent_id uuid NOT NULL,
        command bytea NOT NULL,
        result bytea,
        deadline_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX ix_routed_command_deadline ON routed_command (deadline_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE routed_command`);
    await queryRunner.query(`DROP TABLE agent_session`);
    await queryRunner.query(`DROP TABLE relay_replica`);
    await queryRunner.query(`DROP TABLE agent`);
    await queryRunner.query(`DROP TABLE enrollment_token`);
    await queryRunner.query(`DROP TABLE tenant`);
  }
}
