import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ReviewWorkflow1764079200000 implements MigrationInterface {
  name = 'ReviewWorkflow1764079200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // A claim is a lease: claimed_by holds the flag until claim_expires_at. Status keeps the
    // queue (open → decided, or escalated → decided); "claimed" is derived, never stored.
    await queryRunner.query(`
      ALTER TABLE flags
        ADD COLUMN claimed_by uuid REFERENCES users (id) ON DELETE SET NULL,
        ADD COLUMN claim_expires_at timestamptz,
        ADD COLUMN decided_by uuid REFERENCES users (id) ON DELETE SET NULL,
        ADD COLUMN decided_at timestamptz,
        ADD COLUMN final_action text CHECK (final_action IN ('approve', 'remove'))`);
    await queryRunner.query(`
      CREATE TABLE flag_decisions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        flag_id uuid NOT NULL REFERENCES flags (id) ON DELETE CASCADE,
        reviewer_id uuid REFERENCES users (id) ON DELETE SET NULL,
        action text NOT NULL CHECK (action IN ('approve', 'remove', 'escalate')),
        reason text NOT NULL,
        note text,
        status_before text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        undone_at timestamptz
      )`);
    await queryRunner.query(
      `CREATE INDEX idx_flag_decisions_flag ON flag_decisions (flag_id, created_at)`,
    );
    await queryRunner.query(
      `CREATE INDEX idx_flag_decisions_reviewer ON flag_decisions (reviewer_id, created_at)`,
    );
    await queryRunner.query(`
      CREATE TABLE flag_notes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        flag_id uuid NOT NULL REFERENCES flags (id) ON DELETE CASCADE,
        author_id uuid REFERENCES users (id) ON DELETE SET NULL,
        text text NOT NULL CHECK (length(text) BETWEEN 1 AND 4000),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX idx_flag_notes_flag ON flag_notes (flag_id, created_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE flag_notes`);
    await queryRunner.query(`DROP TABLE flag_decisions`);
    await queryRunner.query(`
      ALTER TABLE flags DROP COLUMN final_action, DROP COLUMN decided_at, DROP COLUMN decided_by,
        DROP COLUMN claim_expires_at, DROP COLUMN claimed_by`);
  }
}
