import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ScoreHistograms1764115200000 implements MigrationInterface {
  name = 'ScoreHistograms1764115200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Events per hour, source, category and score bucket of 0.01: a backtest over millions of
    // stored events sums a few thousand of these rows instead of reading every score.
    await queryRunner.query(`
      CREATE TABLE score_histograms (
        hour timestamptz NOT NULL,
        source text NOT NULL,
        category text NOT NULL,
        bucket smallint NOT NULL CHECK (bucket BETWEEN 0 AND 100),
        events integer NOT NULL,
        PRIMARY KEY (hour, source, category, bucket)
      )`);
    // How far scored_events has been rolled up (the first rollup backfills from the start).
    await queryRunner.query(`
      CREATE TABLE score_histogram_progress (
        id boolean PRIMARY KEY DEFAULT true CHECK (id),
        rolled_up_to timestamptz NOT NULL
      )`);
    await queryRunner.query(
      `INSERT INTO score_histogram_progress (rolled_up_to) VALUES ('-infinity')`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE score_histogram_progress`);
    await queryRunner.query(`DROP TABLE score_histograms`);
  }
}
