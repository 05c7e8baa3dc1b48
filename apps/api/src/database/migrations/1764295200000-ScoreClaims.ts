import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Shared in-flight claims (SCORE_SHARED_CLAIMS): a replica about to score a text claims its hash
 * here; another replica meeting the same text meanwhile waits for the score instead of paying
 * for it again. UNLOGGED: a claim lives for seconds, costs no WAL, and losing them all in a crash
 * only means a text is scored twice. The ingest statement deletes a claim once its score is stored.
 */
export class ScoreClaims1764295200000 implements MigrationInterface {
  name = 'ScoreClaims1764295200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE UNLOGGED TABLE score_claims (
        model text NOT NULL,
        text_hash bytea NOT NULL,
        claimed_until timestamptz NOT NULL,
        PRIMARY KEY (model, text_hash)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE score_claims`);
  }
}
