import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reviewer quality: golden items (decided flags with the outcome policy admins expect), and
 * quality checks — blind copies of a flag put in a queue, a golden item to check a reviewer
 * against, or a decision for a second reviewer to make again. A copy is a flag of the same
 * scored event (so one event may now have its flag and copies: the uniqueness of
 * scored_event_id holds for real flags only), never published; `hidden_from` keeps a second
 * review away from the first reviewer. Each queue says how often it mixes in golden items and
 * how many of its decisions get a second review (off until a policy admin sets them).
 */
export class QualityChecks1764266400000 implements MigrationInterface {
  name = 'QualityChecks1764266400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE flags ADD COLUMN copy_of uuid REFERENCES flags (id) ON DELETE CASCADE`,
    );
    await queryRunner.query(`ALTER TABLE flags ADD COLUMN hidden_from uuid`);
    await queryRunner.query(`
      ALTER TABLE queues
        ADD COLUMN golden_rate real NOT NULL DEFAULT 0 CHECK (golden_rate BETWEEN 0 AND 1),
        ADD COLUMN second_review_rate real NOT NULL DEFAULT 0 CHECK (second_review_rate BETWEEN 0 AND 1)`);
    await queryRunner.query(`ALTER TABLE flags DROP CONSTRAINT flags_scored_event_id_key`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX uq_flags_scored_event ON flags (scored_event_id) WHERE copy_of IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX idx_flags_copies ON flags (copy_of) WHERE copy_of IS NOT NULL`,
    );
    await queryRunner.query(`
      CREATE TABLE golden_items (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        flag_id uuid NOT NULL UNIQUE REFERENCES flags (id) ON DELETE CASCADE,
        expected_action text NOT NULL CHECK (expected_action IN ('approve', 'remove')),
        note text,
        active boolean NOT NULL DEFAULT true,
        created_by uuid REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE quality_checks (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind text NOT NULL CHECK (kind IN ('golden', 'second_review')),
        copy_flag_id uuid NOT NULL UNIQUE REFERENCES flags (id) ON DELETE CASCADE,
        original_flag_id uuid NOT NULL REFERENCES flags (id) ON DELETE CASCADE,
        golden_item_id uuid REFERENCES golden_items (id) ON DELETE SET NULL,
        category text NOT NULL,
        expected_action text NOT NULL CHECK (expected_action IN ('approve', 'remove')),
        first_reviewer_id uuid REFERENCES users (id) ON DELETE SET NULL,
        served_to uuid REFERENCES users (id) ON DELETE SET NULL,
        reviewer_id uuid REFERENCES users (id) ON DELETE SET NULL,
        action text CHECK (action IN ('approve', 'remove')),
        decided_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE INDEX idx_quality_checks_decided ON quality_checks (decided_at) WHERE decided_at IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE quality_checks`);
    await queryRunner.query(`DROP TABLE golden_items`);
    await queryRunner.query(`DELETE FROM flags WHERE copy_of IS NOT NULL`);
    await queryRunner.query(`DROP INDEX idx_flags_copies`);
    await queryRunner.query(`DROP INDEX uq_flags_scored_event`);
    await queryRunner.query(
      `ALTER TABLE flags ADD CONSTRAINT flags_scored_event_id_key UNIQUE (scored_event_id)`,
    );
    await queryRunner.query(
      `ALTER TABLE queues DROP COLUMN golden_rate, DROP COLUMN second_review_rate`,
    );
    await queryRunner.query(`ALTER TABLE flags DROP COLUMN hidden_from`);
    await queryRunner.query(`ALTER TABLE flags DROP COLUMN copy_of`);
  }
}
