import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Data that ages out (retention): scored_events is partitioned so that expiring allowed events
 * drops whole partitions instead of deleting rows. The first level splits on `kept` — events
 * something still refers to (a flag, a pending judge request), written true for flagged events
 * at ingest and swept true by retention before it drops a partition — from allowed ones; allowed
 * events are partitioned by day of `scored_at`, created ahead by the api
 * (`ensure_scored_event_partitions`). Kept events are few and leave one by one, after years.
 *
 * A unique constraint on a partitioned table must contain the partition key, so (source,
 * event_id) can no longer be unique there: the key moves to event_keys, which also hands out
 * the event's id (the ingest statement claims the key first, then stores the event). The
 * foreign keys that pointed at scored_events (flags, shadow decisions, judge requests,
 * judgements) go for the same reason; retention removes those rows itself.
 *
 * The audit log stays append-only, except for a retention run that expires entries past the
 * audit log's retention (it says so with `sieve.audit_expiry` in its own transaction).
 */
export class PartitionedScoredEvents1764280800000 implements MigrationInterface {
  name = 'PartitionedScoredEvents1764280800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await dropForeignKeysTo(queryRunner, 'scored_events');
    const [{ found }]: { found: boolean }[] = await queryRunner.query(
      `SELECT EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'uuidv7') AS found`,
    );
    const newId = found ? 'uuidv7()' : 'gen_random_uuid()';
    await queryRunner.query(`
      CREATE TABLE scored_events_partitioned (
        id uuid NOT NULL,
        source text NOT NULL,
        event_id text NOT NULL,
        author_id text NOT NULL,
        text text NOT NULL,
        lang text,
        context jsonb,
        event_created_at timestamptz NOT NULL,
        scored_at timestamptz NOT NULL DEFAULT now(),
        model text NOT NULL,
        scores jsonb NOT NULL,
        policy_version integer NOT NULL REFERENCES policy_versions (version),
        decision text NOT NULL CHECK (decision IN ('allow', 'review', 'block')),
        kafka_partition integer,
        kafka_offset bigint,
        kept boolean NOT NULL DEFAULT false,
        erased_at timestamptz
      ) PARTITION BY LIST (kept)`);
    await queryRunner.query(
      `CREATE TABLE scored_events_kept PARTITION OF scored_events_partitioned FOR VALUES IN (true)`,
    );
    await queryRunner.query(`
      CREATE TABLE scored_events_allowed PARTITION OF scored_events_partitioned
      FOR VALUES IN (false) PARTITION BY RANGE (scored_at)`);
    // One place that names and creates the day partitions: the api calls it ahead of time,
    // tests and tools for past days.
    await queryRunner.query(`
      CREATE FUNCTION ensure_scored_event_partitions(first_day date, last_day date)
      RETURNS integer LANGUAGE plpgsql AS $$
      DECLARE
        day date := first_day;
        created integer := 0;
        name text;
      BEGIN
        WHILE day <= last_day LOOP
          name := 'scored_events_allowed_' || to_char(day, 'YYYYMMDD');
          IF to_regclass(name) IS NULL THEN
            EXECUTE format(
              'CREATE TABLE %I PARTITION OF scored_events_allowed FOR VALUES FROM (%L) TO (%L)',
              name, day::timestamp AT TIME ZONE 'UTC', (day + 1)::timestamp AT TIME ZONE 'UTC');
            created := created + 1;
          END IF;
          day := day + 1;
        END LOOP;
        RETURN created;
      END $$`);
    await queryRunner.query(`
      SELECT ensure_scored_event_partitions(
        COALESCE((SELECT min(scored_at AT TIME ZONE 'UTC')::date FROM scored_events),
                 (now() AT TIME ZONE 'UTC')::date),
        (now() AT TIME ZONE 'UTC')::date + 7)`);
    await queryRunner.query(`
      INSERT INTO scored_events_partitioned (id, source, event_id, author_id, text, lang, context,
        event_created_at, scored_at, model, scores, policy_version, decision, kafka_partition,
        kafka_offset, kept)
      SELECT e.id, e.source, e.event_id, e.author_id, e.text, e.lang, e.context,
             e.event_created_at, e.scored_at, e.model, e.scores, e.policy_version, e.decision,
             e.kafka_partition, e.kafka_offset,
             e.decision <> 'allow' OR EXISTS (SELECT 1 FROM flags f WHERE f.scored_event_id = e.id)
      FROM scored_events e`);
    await queryRunner.query(`
      CREATE TABLE event_keys (
        source text NOT NULL,
        event_id text NOT NULL,
        scored_event_id uuid NOT NULL DEFAULT ${newId},
        PRIMARY KEY (source, event_id)
      )`);
    await queryRunner.query(
      `INSERT INTO event_keys (source, event_id, scored_event_id) SELECT source, event_id, id FROM scored_events`,
    );
    await queryRunner.query(`DROP TABLE scored_events`);
    await queryRunner.query(`ALTER TABLE scored_events_partitioned RENAME TO scored_events`);
    await queryRunner.query(`ALTER TABLE scored_events ALTER COLUMN id SET DEFAULT ${newId}`);
    await queryRunner.query(`CREATE INDEX idx_scored_events_id ON scored_events (id)`);
    await queryRunner.query(
      `CREATE INDEX idx_scored_events_scored_at ON scored_events (scored_at)`,
    );
    await queryRunner.query(
      `CREATE INDEX idx_scored_events_author ON scored_events (source, author_id, event_created_at DESC)`,
    );

    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' AND current_setting('sieve.audit_expiry', true) = 'on' THEN
          RETURN OLD;
        END IF;
        RAISE EXCEPTION 'audit_log is append-only';
      END $$`);
    await queryRunner.query(`
      CREATE TABLE retention_runs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        dry_run boolean NOT NULL,
        report jsonb NOT NULL DEFAULT '{}'
      )`);
    await queryRunner.query(
      `CREATE INDEX idx_retention_runs_started ON retention_runs (started_at DESC)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE retention_runs`);
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only';
      END $$`);
    await queryRunner.query(`
      CREATE TABLE scored_events_flat (LIKE scored_events INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
    await queryRunner.query(`INSERT INTO scored_events_flat SELECT * FROM scored_events`);
    await queryRunner.query(`DROP TABLE scored_events`);
    await queryRunner.query(`DROP TABLE event_keys`);
    await queryRunner.query(`DROP FUNCTION ensure_scored_event_partitions(date, date)`);
    await queryRunner.query(`ALTER TABLE scored_events_flat RENAME TO scored_events`);
    await queryRunner.query(`ALTER TABLE scored_events DROP COLUMN kept, DROP COLUMN erased_at`);
    await queryRunner.query(`ALTER TABLE scored_events ADD PRIMARY KEY (id)`);
    await queryRunner.query(
      `ALTER TABLE scored_events ADD CONSTRAINT uq_scored_events_source_event UNIQUE (source, event_id)`,
    );
    await queryRunner.query(
      `ALTER TABLE scored_events ADD FOREIGN KEY (policy_version) REFERENCES policy_versions (version)`,
    );
    await queryRunner.query(
      `CREATE INDEX idx_scored_events_scored_at ON scored_events (scored_at)`,
    );
    await queryRunner.query(
      `CREATE INDEX idx_scored_events_author ON scored_events (source, author_id, event_created_at DESC)`,
    );
    for (const table of ['flags', 'shadow_decisions', 'judge_requests', 'judgements'])
      await queryRunner.query(
        `ALTER TABLE ${table} ADD FOREIGN KEY (scored_event_id) REFERENCES scored_events (id) ON DELETE CASCADE`,
      );
  }
}

async function dropForeignKeysTo(queryRunner: QueryRunner, table: string): Promise<void> {
  const constraints: { table: string; name: string }[] = await queryRunner.query(
    `SELECT conrelid::regclass::text AS table, conname AS name
     FROM pg_constraint WHERE contype = 'f' AND confrelid = $1::regclass`,
    [table],
  );
  for (const c of constraints)
    await queryRunner.query(`ALTER TABLE ${c.table} DROP CONSTRAINT ${c.name}`);
}
