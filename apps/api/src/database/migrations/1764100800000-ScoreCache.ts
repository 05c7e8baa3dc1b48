import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ScoreCache1764100800000 implements MigrationInterface {
  name = 'ScoreCache1764100800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Scores of normalized texts per model, so a repost (or a replay) costs no moderation call.
    await queryRunner.query(`
      CREATE TABLE score_cache (
        model text NOT NULL,
        text_hash bytea NOT NULL,
        scored_model text NOT NULL,
        scores jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (model, text_hash)
      )`);
    await queryRunner.query(`CREATE INDEX idx_score_cache_created ON score_cache (created_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE score_cache`);
  }
}
