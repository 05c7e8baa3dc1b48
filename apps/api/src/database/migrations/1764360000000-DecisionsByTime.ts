import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A backtest reads the reviewers' decisions made since its range's start; without this index
 * it read every decision ever made (years of them on a busy platform) to find those.
 */
export class DecisionsByTime1764360000000 implements MigrationInterface {
  name = 'DecisionsByTime1764360000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX idx_flag_decisions_current ON flag_decisions (created_at)
       WHERE undone_at IS NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX idx_flag_decisions_current`);
  }
}
