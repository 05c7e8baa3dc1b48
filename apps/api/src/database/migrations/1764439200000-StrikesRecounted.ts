import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An author's stored strikes and level (which the queue's repeat-offender order and marks, and
 * routing by strikes, read) were recomputed only when a new restriction was made or an appeal
 * decided, so strikes never aged out of their window, and a restriction a reviewer lifted
 * (approving a block, undoing a removal) went on counting. `recount_at` says when they must be
 * counted again: when the oldest counted strike leaves the window, or at once after a decision
 * on one of the author's posts. Every author with strikes is counted again once after this
 * migration.
 */
export class StrikesRecounted1764439200000 implements MigrationInterface {
  name = 'StrikesRecounted1764439200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE author_strikes ADD COLUMN recount_at timestamptz`);
    await queryRunner.query(`UPDATE author_strikes SET recount_at = now() WHERE strikes > 0`);
    await queryRunner.query(
      `CREATE INDEX idx_author_strikes_recount ON author_strikes (recount_at) WHERE recount_at IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE author_strikes DROP COLUMN recount_at`);
  }
}
