import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every event's row gets smaller, and so does its WAL (issue 25): the model name (26 bytes of
 * text on every row) becomes a smallint id in score_models, as the score cache already has it,
 * and scores are kept as `real[]` instead of `float8[]` (eleven scores: 68 instead of 112
 * bytes), in scored_events and in the score cache.
 *
 * `real` keeps six significant digits exactly (FLT_DIG): the scorer's scores are rounded to six
 * significant digits before the policy decides on them (`atStoredPrecision`), so what is stored
 * is what was decided on, and a backtest replays the same decisions. Rows stored before this
 * migration were decided on their full scores; they keep the nearest `real`, within 3e-8.
 *
 * The Kafka partition and offset each event came from go (12–16 bytes a row with alignment):
 * written on every row, read by nothing. The platform's key (source, event id) names the post,
 * and the topic's own retention is days, so an offset older than that pointed at nothing.
 *
 * One rewrite of each table: the columns change in one ALTER.
 */
export class CompactScoredEvents1764345600000 implements MigrationInterface {
  name = 'CompactScoredEvents1764345600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // For fixtures and tools that write a model by name: its id, interned if new.
    await queryRunner.query(`
      CREATE FUNCTION score_model_id(model text) RETURNS smallint LANGUAGE plpgsql AS $$
      DECLARE
        model_id smallint;
      BEGIN
        SELECT id INTO model_id FROM score_models WHERE name = model;
        IF model_id IS NULL THEN
          INSERT INTO score_models (name) VALUES (model)
          ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name
          RETURNING id INTO model_id;
        END IF;
        RETURN model_id;
      END $$`);
    // ALTER … TYPE … USING cannot run a query per row; the names are interned first.
    await queryRunner.query(
      `INSERT INTO score_models (name) SELECT DISTINCT model FROM scored_events ON CONFLICT (name) DO NOTHING`,
    );
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION pg_temp.known_model_id(model text) RETURNS smallint LANGUAGE sql STABLE AS $$
        SELECT id FROM score_models WHERE name = model
      $$`);
    await queryRunner.query(`
      ALTER TABLE scored_events
        ALTER COLUMN model TYPE smallint USING pg_temp.known_model_id(model),
        ALTER COLUMN score_values TYPE real[] USING score_values::real[],
        DROP COLUMN kafka_partition,
        DROP COLUMN kafka_offset`);
    await queryRunner.query(`ALTER TABLE scored_events RENAME COLUMN model TO model_id`);
    await queryRunner.query(
      `ALTER TABLE score_cache ALTER COLUMN score_values TYPE real[] USING score_values::real[]`,
    );
    await replaceScoresJson(queryRunner, 'real[]');
  }

  /**
   * Scores go back as the decimals `real` prints (0.1, not 0.10000000149011612); the Kafka
   * positions are not known any more.
   */
  async down(queryRunner: QueryRunner): Promise<void> {
    await replaceScoresJson(queryRunner, 'float8[]');
    await queryRunner.query(
      `ALTER TABLE score_cache ALTER COLUMN score_values TYPE float8[] USING score_values::text::float8[]`,
    );
    await queryRunner.query(`ALTER TABLE scored_events RENAME COLUMN model_id TO model`);
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION pg_temp.model_name(model smallint) RETURNS text LANGUAGE sql STABLE AS $$
        SELECT name FROM score_models WHERE id = model
      $$`);
    await queryRunner.query(`
      ALTER TABLE scored_events
        ADD COLUMN kafka_partition integer,
        ADD COLUMN kafka_offset bigint,
        ALTER COLUMN model TYPE text USING pg_temp.model_name(model),
        ALTER COLUMN score_values TYPE float8[] USING score_values::text::float8[]`);
    await queryRunner.query(`DROP FUNCTION score_model_id(text)`);
  }
}

/**
 * scores_json (CompactScores migration) for the scores' array type: over `real[]` it gives back
 * the decimals `real` prints (0.1), where a `float8[]` argument would widen them first
 * (0.10000000149011612). compact_scores keeps returning `float8[]`, which a `real[]` column
 * takes by assignment.
 */
async function replaceScoresJson(queryRunner: QueryRunner, values: string): Promise<void> {
  const previous = values === 'real[]' ? 'float8[]' : 'real[]';
  await queryRunner.query(`DROP FUNCTION scores_json(smallint, ${previous})`);
  await queryRunner.query(`
    CREATE FUNCTION scores_json(layout smallint, vals ${values}) RETURNS jsonb
    LANGUAGE sql STABLE PARALLEL SAFE AS $$
      SELECT COALESCE(jsonb_object_agg(u.c, u.v), '{}'::jsonb)
      FROM score_layouts l CROSS JOIN LATERAL unnest(l.categories, vals) AS u(c, v)
      WHERE l.id = layout
    $$`);
}
