import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The ERP profiles an agent announces, with the health it last reported, for the console. */
export class AgentProfiles1763920000000 implements MigrationInterface {
  name = 'AgentProfiles1763920000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE agent ADD COLUMN profiles jsonb NOT NULL DEFAULT '[]'::jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE agent DROP COLUMN profiles`);
  }
}
