import type { MigrationInterface, QueryRunner } from 'typeorm';

export class SavedViews1764136800000 implements MigrationInterface {
  name = 'SavedViews1764136800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // A reviewer's named queue filters: [{ "name": "PII, most severe", "query": "category=pii&sort=severity" }].
    await queryRunner.query(
      `ALTER TABLE users ADD COLUMN saved_views jsonb NOT NULL DEFAULT '[]'
         CHECK (jsonb_typeof(saved_views) = 'array')`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE users DROP COLUMN saved_views`);
  }
}
