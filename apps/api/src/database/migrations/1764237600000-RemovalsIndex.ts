import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The statements builder looks every 2 s for the last day's removals without a statement; this
 * keeps that an index range instead of a scan of every decision.
 */
export class RemovalsIndex1764237600000 implements MigrationInterface {
  name = 'RemovalsIndex1764237600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX idx_flag_decisions_removals ON flag_decisions (created_at)
       WHERE action = 'remove' AND undone_at IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX statements_by_decision ON statements_of_reasons (decision_id)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX statements_by_decision`);
    await queryRunner.query(`DROP INDEX idx_flag_decisions_removals`);
  }
}
