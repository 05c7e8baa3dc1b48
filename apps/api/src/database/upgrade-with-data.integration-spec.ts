import { DataSource } from 'typeorm';
import { createTestDatabase } from '../../test/test-database';
import { dataSourceOptions, MIGRATIONS } from './data-source';

/**
 * An installation with data upgrades: rows written under the schema before partitioning and
 * compact scores come through those migrations (and CompactScoredEvents') whole — events in their partitions with their
 * keys, flags still pointing at them, scores given back equal.
 */
describe('upgrading an installation with data', () => {
  let db: DataSource;

  beforeAll(async () => {
    const url = await createTestDatabase('sieve_upgrade');
    const before = MIGRATIONS.findIndex((m) => m.name === 'PartitionedScoredEvents1764280800000');
    const old = new DataSource({
      ...dataSourceOptions(url),
      migrations: MIGRATIONS.slice(0, before),
    });
    await old.initialize();
    await old.runMigrations();
    await old.query(`
      WITH e AS (
        INSERT INTO scored_events (source, event_id, author_id, text, event_created_at, scored_at,
                                   model, scores, policy_version, decision)
        VALUES ('forum', 'old-ok', 'a1', 'hello', now(), now() - interval '3 days', 'm', '{"pii": 0.01, "sexual": 0.2}', 1, 'allow'),
               ('forum', 'old-bad', 'a1', 'I will kill you', now(), now() - interval '1 day', 'm', '{"violence_and_threats": 0.97, "pii": 0}', 1, 'review')
        RETURNING id, decision)
      INSERT INTO flags (scored_event_id, auto_decision, categories, triggered, max_score)
      SELECT id, 'review', ARRAY['violence_and_threats'], '[]', 0.97 FROM e WHERE decision = 'review'`);
    await old.query(
      `INSERT INTO score_cache (model, text_hash, scored_model, scores)
       VALUES ('mistral-moderation-latest', '\\x01', 'mistral-moderation-2603', '{"pii": 0.5}')`,
    );
    await old.destroy();
    db = new DataSource(dataSourceOptions(url));
    await db.initialize();
    await db.runMigrations();
  });
  afterAll(() => db?.destroy());

  it('keeps every event, key, flag and score', async () => {
    const events: {
      event_id: string;
      kept: boolean;
      partition: string;
      model: string;
      scores: object;
    }[] = await db.query(
      `SELECT e.event_id, e.kept, e.tableoid::regclass::text AS partition,
                (SELECT name FROM score_models WHERE id = e.model_id) AS model,
                scores_json(e.score_layout, e.score_values) AS scores
         FROM scored_events e ORDER BY e.event_id`,
    );
    expect(events).toStrictEqual([
      {
        event_id: 'old-bad',
        kept: true,
        partition: 'scored_events_kept',
        model: 'm',
        scores: { violence_and_threats: 0.97, pii: 0 },
      },
      {
        event_id: 'old-ok',
        kept: false,
        partition: expect.stringMatching(/^scored_events_allowed_\d{8}$/),
        model: 'm',
        scores: { pii: 0.01, sexual: 0.2 },
      },
    ]);
    const keys: { event_id: string }[] = await db.query(
      `SELECT k.event_id FROM event_keys k JOIN scored_events e ON e.id = k.scored_event_id ORDER BY 1`,
    );
    expect(keys.map((k) => k.event_id)).toStrictEqual(['old-bad', 'old-ok']);
    const [flag] = await db.query(
      `SELECT e.event_id FROM flags f JOIN scored_events e ON e.id = f.scored_event_id`,
    );
    expect(flag.event_id).toBe('old-bad');
    const [cached] = await db.query(
      `SELECT m.name AS model, s.name AS scored_model, encode(c.text_hash, 'hex') AS hash,
              scores_json(c.score_layout, c.score_values) AS scores
       FROM score_cache c
       JOIN score_models m ON m.id = c.model_id JOIN score_models s ON s.id = c.scored_model_id`,
    );
    expect(cached).toStrictEqual({
      model: 'mistral-moderation-latest',
      scored_model: 'mistral-moderation-2603',
      hash: '01',
      scores: { pii: 0.5 },
    });
  });
});
