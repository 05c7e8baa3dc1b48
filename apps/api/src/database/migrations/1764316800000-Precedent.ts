import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Deciding by precedent (docs/waves.md): a policy version may say when Sieve decides a new flag
 * the way reviewers decided near-copies of it (`policy_versions.precedent`, null: off), and a
 * decision made that way keeps its grounds (`flag_decisions.precedent`: how many posts, how
 * alike, which), which also mark it as automated for statements and the transparency report.
 */
export class Precedent1764316800000 implements MigrationInterface {
  name = 'Precedent1764316800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE policy_versions ADD COLUMN precedent jsonb`);
    await queryRunner.query(`ALTER TABLE flag_decisions ADD COLUMN precedent jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE flag_decisions DROP COLUMN precedent`);
    await queryRunner.query(`ALTER TABLE policy_versions DROP COLUMN precedent`);
  }
}
