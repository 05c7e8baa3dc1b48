import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * New stored events and flags get time-ordered (v7) ids. Random (v4) UUIDs land all over their
 * B-tree, so once the index outgrows memory each insert reads and dirties a different page;
 * v7 ones append at its right edge. Existing rows keep their ids. PostgreSQL 18 has uuidv7(); an older
 * server keeps the random ones, which work the same, only slower at volume.
 */
export class TimeOrderedIds1764158400000 implements MigrationInterface {
  name = 'TimeOrderedIds1764158400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (!(await hasUuidV7(queryRunner))) return;
    await queryRunner.query(`ALTER TABLE scored_events ALTER COLUMN id SET DEFAULT uuidv7()`);
    await queryRunner.query(`ALTER TABLE flags ALTER COLUMN id SET DEFAULT uuidv7()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE scored_events ALTER COLUMN id SET DEFAULT gen_random_uuid()`,
    );
    await queryRunner.query(`ALTER TABLE flags ALTER COLUMN id SET DEFAULT gen_random_uuid()`);
  }
}

async function hasUuidV7(queryRunner: QueryRunner): Promise<boolean> {
  const [{ found }]: { found: boolean }[] = await queryRunner.query(
    `SELECT EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'uuidv7') AS found`,
  );
  return found;
}
