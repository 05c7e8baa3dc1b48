import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A judged event whose judgement keeps failing to store goes to review unjudged as
 * `store_failed`. The wider check is added NOT VALID: every existing row passed the narrower
 * one, so scanning the table (under the migration's lock) would prove nothing.
 */
export class JudgementStoreFailed1764367200000 implements MigrationInterface {
  name = 'JudgementStoreFailed1764367200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE judgements DROP CONSTRAINT judgements_unjudged_reason_check,
         ADD CONSTRAINT judgements_unjudged_reason_check CHECK (unjudged_reason IN
           ('budget_exhausted', 'rate_capped', 'invalid_answer', 'judge_failed', 'store_failed')) NOT VALID`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`UPDATE judgements SET unjudged_reason = 'judge_failed'
                              WHERE unjudged_reason = 'store_failed'`);
    await queryRunner.query(
      `ALTER TABLE judgements DROP CONSTRAINT judgements_unjudged_reason_check,
         ADD CONSTRAINT judgements_unjudged_reason_check CHECK (unjudged_reason IN
           ('budget_exhausted', 'rate_capped', 'invalid_answer', 'judge_failed'))`,
    );
  }
}
