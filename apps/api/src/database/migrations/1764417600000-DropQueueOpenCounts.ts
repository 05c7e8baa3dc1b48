import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `queue_open_counts` and its triggers, kept by QueueStatusCounts for replicas of the release
 * before it, go: no release still running reads them, and every flag inserted, decided or moved
 * paid for their rows. (A replica of the previous release, during the rolling release, fails to
 * fold the table and logs it; it reads `queue_status_counts` only.)
 */
export class DropQueueOpenCounts1764417600000 implements MigrationInterface {
  name = 'DropQueueOpenCounts1764417600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER flags_count_truncated ON flags`);
    await queryRunner.query(`DROP TRIGGER flags_count_deleted_open ON flags`);
    await queryRunner.query(`DROP TRIGGER flags_count_changed_open ON flags`);
    await queryRunner.query(`DROP TRIGGER flags_count_inserted_open ON flags`);
    await queryRunner.query(`DROP FUNCTION forget_open_counts()`);
    await queryRunner.query(`DROP FUNCTION count_changed_open_flag()`);
    await queryRunner.query(`DROP FUNCTION count_inserted_open_flags()`);
    await queryRunner.query(`DROP TABLE queue_open_counts`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Writers wait until this commits, so the count taken at the end starts exact.
    await queryRunner.query(`LOCK TABLE flags IN SHARE ROW EXCLUSIVE MODE`);
    await queryRunner.query(`
      CREATE TABLE queue_open_counts (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        queue text NOT NULL,
        open bigint NOT NULL
      )`);
    await queryRunner.query(`
      CREATE FUNCTION count_inserted_open_flags() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO queue_open_counts (queue, open)
        SELECT queue, count(*) FROM new_flags WHERE status <> 'decided' GROUP BY queue;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER flags_count_inserted_open AFTER INSERT ON flags
      REFERENCING NEW TABLE AS new_flags
      FOR EACH STATEMENT EXECUTE FUNCTION count_inserted_open_flags()`);
    await queryRunner.query(`
      CREATE FUNCTION count_changed_open_flag() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.status <> 'decided' THEN
          INSERT INTO queue_open_counts (queue, open) VALUES (OLD.queue, -1);
        END IF;
        IF TG_OP = 'UPDATE' AND NEW.status <> 'decided' THEN
          INSERT INTO queue_open_counts (queue, open) VALUES (NEW.queue, 1);
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER flags_count_changed_open AFTER UPDATE OF status, queue ON flags
      FOR EACH ROW
      WHEN ((OLD.status = 'decided') IS DISTINCT FROM (NEW.status = 'decided')
            OR OLD.queue IS DISTINCT FROM NEW.queue)
      EXECUTE FUNCTION count_changed_open_flag()`);
    await queryRunner.query(`
      CREATE TRIGGER flags_count_deleted_open AFTER DELETE ON flags
      FOR EACH ROW WHEN (OLD.status <> 'decided')
      EXECUTE FUNCTION count_changed_open_flag()`);
    await queryRunner.query(`
      CREATE FUNCTION forget_open_counts() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM queue_open_counts;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER flags_count_truncated AFTER TRUNCATE ON flags
      FOR EACH STATEMENT EXECUTE FUNCTION forget_open_counts()`);
    await queryRunner.query(
      `INSERT INTO queue_open_counts (queue, open)
       SELECT queue, count(*) FROM flags WHERE status <> 'decided' GROUP BY queue`,
    );
  }
}
