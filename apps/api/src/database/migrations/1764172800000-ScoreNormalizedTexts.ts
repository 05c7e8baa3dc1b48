import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Until now the score cache kept, under the hash of a normalized text, the score of whichever
 * variant of it arrived first: a poster could plant a variant the scorer under-rates and have
 * that score reused for every plain copy for 30 days. Texts are now scored in their normalized
 * form; entries written before cannot be trusted and are dropped (texts are scored again once).
 */
export class ScoreNormalizedTexts1764172800000 implements MigrationInterface {
  name = 'ScoreNormalizedTexts1764172800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`TRUNCATE score_cache`);
  }

  async down(): Promise<void> {
    // Nothing to restore: a cache fills again by itself.
  }
}
