import { defaultPolicy, MISTRAL_MODERATION_2603 } from '@sieve/moderation';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1764064800000 implements MigrationInterface {
  name = 'InitialSchema1764064800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE policy_versions (
        version integer PRIMARY KEY,
        status text NOT NULL CHECK (status IN ('draft', 'published')),
        category_set_id text NOT NULL,
        rules jsonb NOT NULL,
        change_note text,
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz
      )`);
    await queryRunner.query(`
      CREATE TABLE scored_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
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
        CONSTRAINT uq_scored_events_source_event UNIQUE (source, event_id)
      )`);
    await queryRunner.query(
      `CREATE INDEX idx_scored_events_scored_at ON scored_events (scored_at)`,
    );
    await queryRunner.query(`
      CREATE TABLE flags (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        scored_event_id uuid NOT NULL UNIQUE REFERENCES scored_events (id) ON DELETE CASCADE,
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'claimed', 'decided', 'escalated')),
        auto_decision text NOT NULL CHECK (auto_decision IN ('review', 'block')),
        categories text[] NOT NULL,
        triggered jsonb NOT NULL,
        max_score real NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX idx_flags_created ON flags (created_at DESC, id DESC)`);
    await queryRunner.query(
      `CREATE INDEX idx_flags_status_created ON flags (status, created_at DESC, id DESC)`,
    );
    await queryRunner.query(`CREATE INDEX idx_flags_categories ON flags USING gin (categories)`);

    const policy = defaultPolicy(MISTRAL_MODERATION_2603, 1);
    await queryRunner.query(
      `INSERT INTO policy_versions (version, status, category_set_id, rules, change_note, published_at)
       VALUES ($1, 'published', $2, $3, 'Initial policy: every category reviewed at 0.5', now())`,
      [policy.version, policy.categorySetId, JSON.stringify(policy.rules)],
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE flags`);
    await queryRunner.query(`DROP TABLE scored_events`);
    await queryRunner.query(`DROP TABLE policy_versions`);
  }
}
