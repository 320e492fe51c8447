import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which version (fetched_at) of a Zoho record a flow looked at and did not take (its status, or made
 * before the flow's first run), by the entity the flow links. The inbox leaves that version alone,
 * so records a flow will never take are not read again on every run; a newer version (the record
 * changed in Zoho) is looked at again.
 */
export class ZohoRecordPassed1764400000000 implements MigrationInterface {
  name = 'ZohoRecordPassed1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE zoho_record_passed (
        tenant_id uuid NOT NULL,
        module text NOT NULL,
        record_id text NOT NULL,
        entity text NOT NULL,
        fetched_at timestamptz NOT NULL,
        CONSTRAINT pk_zoho_record_passed PRIMARY KEY (tenant_id, module, record_id, entity),
        CONSTRAINT fk_zoho_record_passed_record FOREIGN KEY (tenant_id, module, record_id) REFERENCES zoho_record (tenant_id, module, record_id) ON DELETE CASCADE
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE zoho_record_passed`);
  }
}
