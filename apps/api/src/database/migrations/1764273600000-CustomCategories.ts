import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Custom categories (the platform's own rules, judged by a chat model) and the gray zone travel
 * with the policy version. Events the cascade sends to the judge wait in judge_requests (written
 * in the same statement as the event, so none is lost); what the judge said, or why it could not,
 * is in judgements, one row per event and category. The judge's answers are cached by model,
 * category, rule version and normalized text; its spend is counted per UTC day for the budget;
 * evaluations of a rule against reviewer decisions are kept per rule version (publishing a
 * changed rule needs one); one run through the Batch API stays `running` until its job ends.
 */
export class CustomCategories1764273600000 implements MigrationInterface {
  name = 'CustomCategories1764273600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Published versions are immutable (a trigger): the new columns take their defaults.
    await queryRunner.query(`
      ALTER TABLE policy_versions
        ADD COLUMN custom_categories jsonb NOT NULL DEFAULT '[]',
        ADD COLUMN gray_zone real NOT NULL DEFAULT 0 CHECK (gray_zone BETWEEN 0 AND 0.5)`);
    await queryRunner.query(`
      CREATE TABLE judge_requests (
        scored_event_id uuid PRIMARY KEY REFERENCES scored_events (id) ON DELETE CASCADE,
        targets text[] NOT NULL,
        policy_version integer NOT NULL,
        enqueued_at timestamptz NOT NULL DEFAULT now(),
        attempts integer NOT NULL DEFAULT 0,
        leased_until timestamptz
      )`);
    await queryRunner.query(
      `CREATE INDEX idx_judge_requests_enqueued ON judge_requests (enqueued_at)`,
    );
    await queryRunner.query(`
      CREATE TABLE judgements (
        scored_event_id uuid NOT NULL REFERENCES scored_events (id) ON DELETE CASCADE,
        category text NOT NULL,
        target_version text NOT NULL,
        policy_version integer NOT NULL,
        judged boolean NOT NULL,
        unjudged_reason text CHECK (unjudged_reason IN ('budget_exhausted', 'rate_capped', 'invalid_answer', 'judge_failed')),
        violates boolean,
        score real,
        confidence real,
        evidence jsonb NOT NULL DEFAULT '[]',
        rationale text,
        dropped_evidence integer NOT NULL DEFAULT 0,
        post_addresses_model boolean NOT NULL DEFAULT false,
        judge text NOT NULL,
        cached boolean NOT NULL DEFAULT false,
        shadow boolean NOT NULL DEFAULT false,
        cost_usd double precision NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (scored_event_id, category),
        CHECK (judged = (unjudged_reason IS NULL))
      )`);
    await queryRunner.query(
      `CREATE INDEX idx_judgements_category_created ON judgements (category, created_at DESC)`,
    );
    await queryRunner.query(`
      CREATE TABLE judge_cache (
        key bytea PRIMARY KEY,
        judgement jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE judge_spend (
        day date PRIMARY KEY,
        calls integer NOT NULL DEFAULT 0,
        cached integer NOT NULL DEFAULT 0,
        unjudged integer NOT NULL DEFAULT 0,
        prompt_tokens bigint NOT NULL DEFAULT 0,
        completion_tokens bigint NOT NULL DEFAULT 0,
        cost_usd double precision NOT NULL DEFAULT 0
      )`);
    await queryRunner.query(`
      CREATE TABLE judge_evaluations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        category text NOT NULL,
        target_version text NOT NULL,
        policy_version integer NOT NULL,
        judge text NOT NULL,
        items integer NOT NULL,
        true_positives integer NOT NULL,
        false_positives integer NOT NULL,
        false_negatives integer NOT NULL,
        true_negatives integer NOT NULL,
        precision real,
        recall real,
        cost_usd double precision NOT NULL DEFAULT 0,
        results jsonb NOT NULL,
        status text NOT NULL DEFAULT 'done' CHECK (status IN ('running', 'done', 'failed')),
        via_batch_api boolean NOT NULL DEFAULT false,
        error text,
        finished_at timestamptz,
        created_by uuid REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE INDEX idx_judge_evaluations_rule ON judge_evaluations (category, target_version, created_at DESC)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE judge_evaluations`);
    await queryRunner.query(`DROP TABLE judge_spend`);
    await queryRunner.query(`DROP TABLE judge_cache`);
    await queryRunner.query(`DROP TABLE judgements`);
    await queryRunner.query(`DROP TABLE judge_requests`);
    await queryRunner.query(
      `ALTER TABLE policy_versions DROP COLUMN gray_zone, DROP COLUMN custom_categories`,
    );
  }
}
