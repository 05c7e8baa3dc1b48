import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Erasure on request: each request kept (who asked, why, how many events it erased), so the
 * platform and an auditor can see it was done. The events themselves keep their rows, with the
 * text gone and `erased_at` set (PartitionedScoredEvents added the column).
 */
export class Erasures1764288000000 implements MigrationInterface {
  name = 'Erasures1764288000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE erasures (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        source text NOT NULL,
        author_id text NOT NULL,
        reason text NOT NULL,
        requested_by text NOT NULL,
        requested_by_id uuid,
        requested_at timestamptz NOT NULL DEFAULT now(),
        events_erased integer NOT NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX idx_erasures_author ON erasures (source, author_id, requested_at DESC)`,
    );
    await queryRunner.query(`CREATE INDEX idx_erasures_requested ON erasures (requested_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE erasures`);
  }
}
