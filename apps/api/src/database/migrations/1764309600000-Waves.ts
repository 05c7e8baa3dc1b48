import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Waves: vectors of flagged texts and the near-duplicate groups of open flags.
 *
 * - `text_vectors`: one vector per method and normalized text (int8 components), so a text seen
 *   again is not embedded again.
 * - `flag_vectors`: which text vector each flag has; `seq` lets every replica's search index
 *   catch up with what others added.
 * - `wave_inbox`: flags still to vectorize and group. A statement trigger on flags fills it, so
 *   every writer of flags (ingest, rescore, anything later) feeds waves without knowing of them,
 *   and a flag committed late is never skipped the way a time watermark would skip it.
 * - `waves` and `wave_members`: the groups; a member can be excluded before the wave is decided.
 */
export class Waves1764309600000 implements MigrationInterface {
  name = 'Waves1764309600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE text_vectors (
        method text NOT NULL,
        text_hash bytea NOT NULL,
        vector bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (method, text_hash)
      )`);
    await queryRunner.query(`
      CREATE TABLE flag_vectors (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        flag_id uuid NOT NULL UNIQUE REFERENCES flags(id) ON DELETE CASCADE,
        method text NOT NULL,
        text_hash bytea NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE wave_inbox (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        flag_id uuid NOT NULL
      )`);
    await queryRunner.query(`
      CREATE FUNCTION enqueue_flags_for_waves() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO wave_inbox (flag_id) SELECT id FROM new_flags WHERE copy_of IS NULL;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER flags_enqueue_for_waves AFTER INSERT ON flags
      REFERENCING NEW TABLE AS new_flags
      FOR EACH STATEMENT EXECUTE FUNCTION enqueue_flags_for_waves()`);
    // Flags from before waves get vectors too: similar-item search covers all history.
    await queryRunner.query(
      `INSERT INTO wave_inbox (flag_id) SELECT id FROM flags WHERE copy_of IS NULL ORDER BY created_at`,
    );
    await queryRunner.query(`
      CREATE TABLE waves (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'decided', 'merged')),
        merged_into uuid REFERENCES waves(id),
        first_seen_at timestamptz NOT NULL,
        last_seen_at timestamptz NOT NULL,
        raised_at timestamptz,
        raised_reason text,
        decided_at timestamptz,
        decided_by uuid REFERENCES users(id),
        action text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE INDEX idx_waves_open ON waves (last_seen_at) WHERE status = 'open'`,
    );
    await queryRunner.query(`
      CREATE TABLE wave_members (
        flag_id uuid PRIMARY KEY REFERENCES flags(id) ON DELETE CASCADE,
        wave_id uuid NOT NULL REFERENCES waves(id) ON DELETE CASCADE,
        similarity real NOT NULL,
        joined_at timestamptz NOT NULL DEFAULT now(),
        excluded_at timestamptz,
        excluded_by uuid REFERENCES users(id)
      )`);
    await queryRunner.query(`CREATE INDEX idx_wave_members_wave ON wave_members (wave_id)`);
    // Bumped by each grouping batch: a replica whose in-memory grouping state is older reloads it.
    await queryRunner.query(`CREATE SEQUENCE wave_grouping_batches`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP SEQUENCE wave_grouping_batches`);
    await queryRunner.query(`DROP TABLE wave_members`);
    await queryRunner.query(`DROP TABLE waves`);
    await queryRunner.query(`DROP TRIGGER flags_enqueue_for_waves ON flags`);
    await queryRunner.query(`DROP FUNCTION enqueue_flags_for_waves()`);
    await queryRunner.query(`DROP TABLE wave_inbox`);
    await queryRunner.query(`DROP TABLE flag_vectors`);
    await queryRunner.query(`DROP TABLE text_vectors`);
  }
}
