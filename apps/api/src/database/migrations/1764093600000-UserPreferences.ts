import type { MigrationInterface, QueryRunner } from 'typeorm';

export class UserPreferences1764093600000 implements MigrationInterface {
  name = 'UserPreferences1764093600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Reviewer wellbeing: sensitive content is blurred until revealed, unless the reviewer opts out.
    await queryRunner.query(
      `ALTER TABLE users ADD COLUMN blur_sensitive boolean NOT NULL DEFAULT true`,
    );
    await queryRunner.query(
      `CREATE INDEX idx_scored_events_author ON scored_events (source, author_id, event_created_at DESC)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX idx_scored_events_author`);
    await queryRunner.query(`ALTER TABLE users DROP COLUMN blur_sensitive`);
  }
}
