import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A routed command is taken by the replica it was sent to (picked_at), so the sender can tell "not
 * taken yet" from "running": a command nobody took in time went to a replica that died, and can be
 * withdrawn and tried elsewhere at once instead of waiting out its whole deadline.
 */
export class RoutedCommandPickup1764300000000 implements MigrationInterface {
  name = 'RoutedCommandPickup1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE routed_command ADD COLUMN picked_at timestamptz`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE routed_command DROP COLUMN picked_at`);
  }
}
