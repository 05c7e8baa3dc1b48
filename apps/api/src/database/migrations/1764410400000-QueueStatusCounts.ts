import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Flags per queue and status, kept by triggers the way QueueOpenCounts keeps the open ones, so
 * the queue's status tabs (GET /api/flags/counts, asked again after every review action on any
 * replica) read the open, escalated and decided figures instead of counting the flags: up to
 * 430 ms per call at a million flags, most of it spent finding the decided flags of a queue that
 * has few.
 *
 * `queue_status_counts` holds changes (+n or −n per queue and status), folded by QueueCounts.
 * Inserts and deletes are counted per statement (ingest inserts a batch at a time, retention
 * deletes thousands of decided flags at a time), updates per row and only when a flag's status
 * or queue changes. `queue_open_counts` and its triggers stay for replicas of the previous
 * release, which read and fold it during a rolling release; nothing in this release reads it.
 */
export class QueueStatusCounts1764410400000 implements MigrationInterface {
  name = 'QueueStatusCounts1764410400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Writers wait until this commits, so the count taken at the end starts exact.
    await queryRunner.query(`LOCK TABLE flags IN SHARE ROW EXCLUSIVE MODE`);
    await queryRunner.query(`
      CREATE TABLE queue_status_counts (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        queue text NOT NULL,
        status text NOT NULL,
        flags bigint NOT NULL
      )`);
    await queryRunner.query(`
      CREATE FUNCTION count_inserted_flags() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO queue_status_counts (queue, status, flags)
        SELECT queue, status, count(*) FROM new_flags GROUP BY queue, status;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER flags_count_inserted AFTER INSERT ON flags
      REFERENCING NEW TABLE AS new_flags
      FOR EACH STATEMENT EXECUTE FUNCTION count_inserted_flags()`);
    await queryRunner.query(`
      CREATE FUNCTION count_deleted_flags() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO queue_status_counts (queue, status, flags)
        SELECT queue, status, -count(*) FROM old_flags GROUP BY queue, status;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER flags_count_deleted AFTER DELETE ON flags
      REFERENCING OLD TABLE AS old_flags
      FOR EACH STATEMENT EXECUTE FUNCTION count_deleted_flags()`);
    // Per row: PostgreSQL allows no transition tables on a trigger limited to some columns.
    await queryRunner.query(`
      CREATE FUNCTION count_changed_flag() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO queue_status_counts (queue, status, flags)
        VALUES (OLD.queue, OLD.status, -1), (NEW.queue, NEW.status, 1);
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER flags_count_changed AFTER UPDATE OF status, queue ON flags
      FOR EACH ROW
      WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.queue IS DISTINCT FROM NEW.queue)
      EXECUTE FUNCTION count_changed_flag()`);
    await queryRunner.query(`
      CREATE FUNCTION forget_status_counts() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM queue_status_counts;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER flags_count_statuses_truncated AFTER TRUNCATE ON flags
      FOR EACH STATEMENT EXECUTE FUNCTION forget_status_counts()`);
    await queryRunner.query(
      `INSERT INTO queue_status_counts (queue, status, flags)
       SELECT queue, status, count(*) FROM flags GROUP BY queue, status`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER flags_count_statuses_truncated ON flags`);
    await queryRunner.query(`DROP TRIGGER flags_count_changed ON flags`);
    await queryRunner.query(`DROP TRIGGER flags_count_deleted ON flags`);
    await queryRunner.query(`DROP TRIGGER flags_count_inserted ON flags`);
    await queryRunner.query(`DROP FUNCTION forget_status_counts()`);
    await queryRunner.query(`DROP FUNCTION count_changed_flag()`);
    await queryRunner.query(`DROP FUNCTION count_deleted_flags()`);
    await queryRunner.query(`DROP FUNCTION count_inserted_flags()`);
    await queryRunner.query(`DROP TABLE queue_status_counts`);
  }
}
