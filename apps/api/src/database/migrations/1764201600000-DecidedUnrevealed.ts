import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Whether the reviewer had the post in view when deciding: false when it was blurred (a
 * sensitive category, the reviewer's wellness setting) and never revealed; null when the client
 * did not say (API scripts, bulk decisions, decisions made before).
 */
export class DecidedUnrevealed1764201600000 implements MigrationInterface {
  name = 'DecidedUnrevealed1764201600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE flag_decisions ADD COLUMN content_revealed boolean`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE flag_decisions DROP COLUMN content_revealed`);
  }
}
