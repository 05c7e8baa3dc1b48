import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Statements of reasons (DSA Art. 17) for every decision that restricts a post, as the
 * Transparency Database takes them, with their submission state; and how far the builder has
 * read the automatic blocks.
 */
export class StatementsOfReasons1764223200000 implements MigrationInterface {
  name = 'StatementsOfReasons1764223200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE statements_of_reasons (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        puid text NOT NULL UNIQUE,
        flag_id uuid NOT NULL REFERENCES flags(id) ON DELETE CASCADE,
        decision_id uuid REFERENCES flag_decisions(id) ON DELETE SET NULL,
        made_by text NOT NULL CHECK (made_by IN ('automatic', 'reviewer')),
        status text NOT NULL CHECK (status IN ('draft', 'final', 'withdrawn')),
        statement jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        final_at timestamptz,
        edited_by uuid REFERENCES users(id) ON DELETE SET NULL,
        submission text NOT NULL DEFAULT 'not_submitted'
          CHECK (submission IN ('not_submitted', 'pending', 'accepted', 'rejected')),
        submit_attempts integer NOT NULL DEFAULT 0,
        next_submit_at timestamptz,
        submit_error text,
        submitted_at timestamptz,
        tdb_uuid text
      )`);
    await queryRunner.query(`CREATE INDEX statements_by_flag ON statements_of_reasons (flag_id)`);
    await queryRunner.query(
      `CREATE INDEX statements_drafts ON statements_of_reasons (created_at) WHERE status = 'draft'`,
    );
    await queryRunner.query(
      `CREATE INDEX statements_to_submit ON statements_of_reasons (next_submit_at) WHERE submission = 'pending'`,
    );
    await queryRunner.query(`CREATE INDEX statements_final_at ON statements_of_reasons (final_at)`);
    await queryRunner.query(`
      CREATE TABLE statement_progress (
        id boolean PRIMARY KEY DEFAULT true CHECK (id),
        flag_created_at timestamptz NOT NULL,
        flag_id uuid NOT NULL
      )`);
    // Automatic blocks from now on; earlier ones predate statements.
    await queryRunner.query(
      `INSERT INTO statement_progress VALUES (true, now(), '00000000-0000-0000-0000-000000000000')`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE statement_progress`);
    await queryRunner.query(`DROP TABLE statements_of_reasons`);
  }
}
