import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The list of repeat offenders (`GET /api/authors/repeat-offenders`) reads the authors at `raise`
 * or above, most struck first. `author_strikes` also holds a row for every author whose post was
 * decided at all (most at `none`): the list reads this small index instead of all of them.
 */
export class RepeatOffendersIndex1764446400000 implements MigrationInterface {
  name = 'RepeatOffendersIndex1764446400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX idx_author_strikes_offenders ON author_strikes (strikes DESC, source, author_id)
       WHERE level <> 'none'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX idx_author_strikes_offenders`);
  }
}
