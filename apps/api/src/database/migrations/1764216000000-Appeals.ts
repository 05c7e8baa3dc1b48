import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Appeals against decisions that restrict content: submitted by the platform for the author,
 * decided by a reviewer other than the one who made the decision, published as kind `appeal`.
 */
export class Appeals1764216000000 implements MigrationInterface {
  name = 'Appeals1764216000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE appeals (
        id uuid PRIMARY KEY,
        source text NOT NULL,
        appeal_ref text NOT NULL,
        flag_id uuid NOT NULL REFERENCES flags(id) ON DELETE CASCADE,
        appealed_kind text NOT NULL CHECK (appealed_kind IN ('automatic', 'reviewer')),
        appealed_decision_id uuid REFERENCES flag_decisions(id) ON DELETE SET NULL,
        original_reviewer_id uuid REFERENCES users(id) ON DELETE SET NULL,
        statement text NOT NULL,
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'upheld', 'overturned')),
        submitted_by text NOT NULL,
        submitted_at timestamptz NOT NULL DEFAULT now(),
        decided_by uuid REFERENCES users(id) ON DELETE SET NULL,
        decided_at timestamptz,
        outcome_reason text,
        CONSTRAINT appeals_ref_once UNIQUE (source, appeal_ref)
      )`);
    // One appeal per decision: a second one on the same decision is refused.
    await queryRunner.query(
      `CREATE UNIQUE INDEX appeals_one_per_decision ON appeals
         (flag_id, coalesce(appealed_decision_id, '00000000-0000-0000-0000-000000000000'::uuid))`,
    );
    await queryRunner.query(
      `CREATE INDEX appeals_open ON appeals (submitted_at) WHERE status = 'open'`,
    );
    await queryRunner.query(
      `CREATE INDEX appeals_decided ON appeals (decided_at) WHERE status <> 'open'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE appeals`);
  }
}
