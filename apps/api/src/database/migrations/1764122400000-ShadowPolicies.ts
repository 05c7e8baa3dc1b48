import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ShadowPolicies1764122400000 implements MigrationInterface {
  name = 'ShadowPolicies1764122400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // A draft in shadow is evaluated on live traffic next to the live version, without acting.
    await queryRunner.query(
      `ALTER TABLE policy_versions ADD COLUMN shadow_since timestamptz
         CHECK (shadow_since IS NULL OR status = 'draft')`,
    );
    // Live vs shadow decision counts per hour…
    await queryRunner.query(`
      CREATE TABLE shadow_stats (
        policy_version integer NOT NULL REFERENCES policy_versions (version) ON DELETE CASCADE,
        hour timestamptz NOT NULL,
        live_decision text NOT NULL,
        decision text NOT NULL,
        events integer NOT NULL,
        PRIMARY KEY (policy_version, hour, live_decision, decision)
      )`);
    // …and the events where the two differ, to look at.
    await queryRunner.query(`
      CREATE TABLE shadow_decisions (
        scored_event_id uuid NOT NULL REFERENCES scored_events (id) ON DELETE CASCADE,
        policy_version integer NOT NULL REFERENCES policy_versions (version) ON DELETE CASCADE,
        live_decision text NOT NULL,
        decision text NOT NULL,
        triggered jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (policy_version, scored_event_id)
      )`);
    // Publishing a draft ends its shadow run (published versions otherwise never change).
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION policy_versions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.status = 'published' THEN
          RAISE EXCEPTION 'published policy version % is immutable', OLD.version;
        END IF;
        IF TG_OP = 'UPDATE' AND NEW.status = 'published' THEN
          NEW.shadow_since := NULL;
        END IF;
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
      END $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE shadow_decisions`);
    await queryRunner.query(`DROP TABLE shadow_stats`);
    await queryRunner.query(`ALTER TABLE policy_versions DROP COLUMN shadow_since`);
  }
}
