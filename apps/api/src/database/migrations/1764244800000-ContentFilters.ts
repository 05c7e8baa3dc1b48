import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Reviewer wellbeing: how each reviewer wants posts of each category shown. */
export class ContentFilters1764244800000 implements MigrationInterface {
  name = 'ContentFilters1764244800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE users ADD COLUMN content_filters jsonb NOT NULL DEFAULT '{}'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE users DROP COLUMN content_filters`);
  }
}
