import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each of the judge's cached answers keeps the hash of the normalized text it was given (as the
 * score cache keys its rows), so an erasure finds the answers quoting an author's posts through
 * an index. It matched every cached answer's quotes against every erased text instead: 29 s for
 * 1,000 posts against 100,000 cached answers, and past the api's 30 s statement timeout at 5,000,
 * where the erasure failed.
 *
 * Answers cached before cannot be given their text's hash (the key hides the text, which is not
 * kept): they go, and the cache fills again as texts are judged.
 */
export class JudgeCacheTextHash1764424800000 implements MigrationInterface {
  name = 'JudgeCacheTextHash1764424800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM judge_cache`);
    await queryRunner.query(`ALTER TABLE judge_cache ADD COLUMN text_hash bytea NOT NULL`);
    await queryRunner.query(`CREATE INDEX idx_judge_cache_text_hash ON judge_cache (text_hash)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX idx_judge_cache_text_hash`);
    await queryRunner.query(`ALTER TABLE judge_cache DROP COLUMN text_hash`);
  }
}
