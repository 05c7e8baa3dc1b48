import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The queue gauges (every 15 s on every replica) and the stats page read the last hours' first
 * looks and people's decisions; without these they read every flag in the table (0.8 s of
 * Postgres and a 38 MB sort at 1M flags). Both are written only when a person claims or decides
 * a flag, never by ingest (automatic closes have no `decided_by`).
 */
export class QueueTimingIndexes1764388800000 implements MigrationInterface {
  name = 'QueueTimingIndexes1764388800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX idx_flags_first_look ON flags (first_claimed_at) WHERE first_claimed_at IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX idx_flags_decided_by_people ON flags (decided_at) WHERE decided_by IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX idx_flags_decided_by_people`);
    await queryRunner.query(`DROP INDEX idx_flags_first_look`);
  }
}
