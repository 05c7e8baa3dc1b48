import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Follow-up answers are checked like cards and kept as checked (quotes verified, warnings), and
 * every model call for an explanation is counted per person, so regenerating and follow-ups have
 * a daily budget.
 */
export class CheckedExplanations1764187200000 implements MigrationInterface {
  name = 'CheckedExplanations1764187200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE explanations ADD COLUMN follow_ups jsonb NOT NULL DEFAULT '[]'`,
    );
    await queryRunner.query(`
      CREATE TABLE explanation_requests (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        flag_id uuid NOT NULL,
        kind text NOT NULL CHECK (kind IN ('explain', 'regenerate', 'follow_up')),
        requested_at timestamptz NOT NULL DEFAULT now(),
        tokens integer NOT NULL DEFAULT 0
      )`);
    await queryRunner.query(
      `CREATE INDEX idx_explanation_requests_user ON explanation_requests (user_id, requested_at)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE explanation_requests`);
    await queryRunner.query(`ALTER TABLE explanations DROP COLUMN follow_ups`);
  }
}
