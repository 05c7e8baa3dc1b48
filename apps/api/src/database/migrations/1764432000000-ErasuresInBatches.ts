import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An erasure runs in batches, each its own transaction, and may finish after the request that
 * asked for it has been answered (202): `completed_at` says when it did, and an unfinished one is
 * taken up again by any replica. As one transaction, an author with more than some tens of
 * thousands of posts ran into the api's statement timeout and could not be erased at all.
 * Erasures requested before this migration finished in their request.
 */
export class ErasuresInBatches1764432000000 implements MigrationInterface {
  name = 'ErasuresInBatches1764432000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE erasures ADD COLUMN completed_at timestamptz`);
    await queryRunner.query(`UPDATE erasures SET completed_at = requested_at`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE erasures DROP COLUMN completed_at`);
  }
}
