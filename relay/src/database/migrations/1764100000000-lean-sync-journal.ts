import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The journal is the one place a record's source snapshot is kept: the link no longer copies it.
 * The journal keeps its key to the link (and goes with it); its tenant and run columns stay, filled by
 * the only writer from the link and the run, without a foreign-key check on every appended entry
 * (tenants and runs are never deleted while their journal lives; a bulk load appends 100,000 entries).
 */
export class LeanSyncJournal1764100000000 implements MigrationInterface {
  name = 'LeanSyncJournal1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE sync_link DROP COLUMN source`);
    await queryRunner.query(`ALTER TABLE sync_journal DROP CONSTRAINT sync_journal_tenant_id_fkey, DROP CONSTRAINT sync_journal_run_id_fkey`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE sync_journal ADD CONSTRAINT sync_journal_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenant (id) ON DELETE CASCADE`);
    await queryRunner.query(`ALTER TABLE sync_journal ADD CONSTRAINT sync_journal_run_id_fkey FOREIGN KEY (run_id) REFERENCES sync_run (id) ON DELETE SET NULL`);
    await queryRunner.query(`ALTER TABLE sync_link ADD COLUMN source jsonb`);
  }
}
