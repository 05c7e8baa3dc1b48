import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A flag's highlights (the offline scorer's spans) are computed once, within a time budget, and
 * kept: before, every view of the flag ran the scorer's patterns over the whole post again.
 */
export class StoredHighlights1764194400000 implements MigrationInterface {
  name = 'StoredHighlights1764194400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE flags ADD COLUMN highlights jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE flags DROP COLUMN highlights`);
  }
}
