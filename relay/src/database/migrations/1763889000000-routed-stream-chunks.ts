import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Streamed results routed between replicas travel chunk by chunk through this table. */
export class RoutedStreamChunks1763889000000 implements MigrationInterface {
  name = 'RoutedStreamChunks1763889000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE routed_stream_chunk (
        command_id uuid NOT NULL REFERENCES routed_command (id) ON DELETE CASCADE,
        seq integer NOT NULL,
        data bytea NOT NULL,
        CONSTRAINT pk_routed_stream_chunk PRIMARY KEY (command_id, seq)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE routed_stream_chunk`);
  }
}
