import { FakeMistralServer } from '@sieve/mistral/testing';
import { defaultPolicy, MISTRAL_MODERATION_2603 } from '@sieve/moderation';
import type { AutomaticDecisionMessage } from '@sieve/moderation';
import { DAILY_HISTOGRAMS, HOURS_BY_DAY } from '../../test/histograms';
import { eventually, startTestStack } from '../../test/test-stack';
import { HistogramRollupService } from '../policies/histogram-rollup.service';
import { ScoreCachePruner } from '../scoring/score-cache-pruner.service';
import { RescoreService } from './rescore.service';

const event = (id: string, text: string, authorId = 'a1') => ({
  key: id,
  value: JSON.stringify({
    id,
    source: 'forum',
    authorId,
    text,
    createdAt: '2026-11-25T10:00:00Z',
  }),
});

describe('rescore a time range (embedded Postgres + Kafka-protocol broker)', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack?.stop());

  it('applies another policy version to stored events, creates and updates flags, publishes what changed', async () => {
    await stack.produce([
      event('r1', 'Lovely weather in Lisbon today'),
      event('r2', 'I will kill you tomorrow'),
      event('r3', 'mail me at jane.doe@example.org'),
    ]);
    await eventually('3 decisions', async () => stack.collected.decisions.length >= 3);

    // Version 2: violence no longer reviewed, everything else reviewed from a score of 0.
    const policy = defaultPolicy(MISTRAL_MODERATION_2603, 2);
    for (const rule of Object.values(policy.rules)) rule.reviewThreshold = 0;
    policy.rules['violence_and_threats'].enabled = false;
    await stack.db.query(
      `INSERT INTO policy_versions (version, status, category_set_id, rules, change_note, published_at)
       VALUES (2, 'published', $1, $2, 'test', now())`,
      [policy.categorySetId, JSON.stringify(policy.rules)],
    );

    // Histograms already count these events: rescoring must move their counts along.
    const rollup = stack.app.get(HistogramRollupService);
    await rollup.rollUp(0);
    const rescore = stack.app.get(RescoreService);
    const range = { from: new Date('2000-01-01'), to: new Date(Date.now() + 3_600_000) };
    const dry = await rescore.run({ ...range, policyVersion: 2, dryRun: true, chunkSize: 2 });
    expect(dry).toMatchObject({ total: 3, done: 3, changed: 1, newlyFlagged: 1, refused: 0 });
    const unchanged = await stack.db.query(`SELECT DISTINCT policy_version FROM scored_events`);
    expect(unchanged.rows).toStrictEqual([{ policy_version: 1 }]);

    const seen: number[] = [];
    const result = await rescore.run({
      ...range,
      policyVersion: 2,
      chunkSize: 2,
      onProgress: (p) => seen.push(p.done),
    });
    expect(seen).toStrictEqual([2, 3]);
    expect(result).toMatchObject({ total: 3, changed: 1, newlyFlagged: 1 });

    const rows = await stack.db.query(
      `SELECT e.event_id, e.decision, e.policy_version, f.status, f.categories
       FROM scored_events e LEFT JOIN flags f ON f.scored_event_id = e.id ORDER BY e.event_id`,
    );
    expect(
      rows.rows.map((r) => [r.event_id, r.decision, r.policy_version, r.status]),
    ).toStrictEqual([
      ['r1', 'review', 2, 'open'],
      ['r2', 'review', 2, 'open'],
      ['r3', 'review', 2, 'open'],
    ]);
    expect(rows.rows[1].categories).not.toContain('violence_and_threats');

    const histogram = `SELECT hour, source, category, bucket, sum(events)::int AS n FROM score_histograms
                       GROUP BY 1, 2, 3, 4 HAVING sum(events) <> 0 ORDER BY 1, 2, 3, 4`;
    const fromScratch = `SELECT date_trunc('hour', e.scored_at) AS hour, e.source, k.key AS category,
                                LEAST(floor(k.value::numeric * 100), 100)::smallint AS bucket, count(*)::int AS n
                         FROM scored_events e CROSS JOIN LATERAL jsonb_each_text(scores_json(e.score_layout, e.score_values)) AS k
                         GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`;
    expect((await stack.db.query(histogram)).rows).toStrictEqual(
      (await stack.db.query(fromScratch)).rows,
    );
    expect((await stack.db.query(DAILY_HISTOGRAMS)).rows).toStrictEqual(
      (await stack.db.query(HOURS_BY_DAY)).rows,
    );

    await eventually('the changed decision re-published', async () =>
      stack.collected.decisions.some((m) => {
        const d = JSON.parse(m.value ?? '') as AutomaticDecisionMessage;
        return d.eventId === 'r1' && d.policyVersion === 2;
      }),
    );
  });

  it('leaves erased posts as they were: their text is gone, their scores and decisions stay', async () => {
    const before = stack.collected.decisions.length;
    await stack.produce([
      event('x1', 'I will kill you tomorrow', 'erased-author'),
      event('x2', 'Lovely weather in Lisbon today', 'erased-author'),
      event('x3', 'Lovely weather in Porto today', 'a1'),
    ]);
    await eventually(
      '3 more decisions',
      async () => stack.collected.decisions.length >= before + 3,
    );
    await stack.eraseAuthor('forum', 'erased-author');
    const stored = () =>
      stack.db.query(
        `SELECT e.event_id, e.text, e.decision, e.policy_version, scores_json(e.score_layout, e.score_values) AS scores,
                f.status, f.max_score
         FROM scored_events e LEFT JOIN flags f ON f.scored_event_id = e.id AND f.copy_of IS NULL
         WHERE e.event_id IN ('x1', 'x2') ORDER BY e.event_id`,
      );
    const erased = (await stored()).rows;
    expect(erased.map((r) => [r.event_id, r.text, r.status])).toStrictEqual([
      ['x1', '', 'open'],
      ['x2', '', null],
    ]);

    // The range holds these three posts only.
    const [{ from }] = (
      await stack.db.query(
        `SELECT min(scored_at) AS from FROM scored_events WHERE event_id IN ('x1', 'x2', 'x3')`,
      )
    ).rows;
    // Rescored, the empty text would score nothing: x1 would lose its flag and its block, and
    // the platform would be told to allow it. Neither may happen.
    const result = await stack.app
      .get(RescoreService)
      .run({ from, to: new Date(Date.now() + 3_600_000) });

    expect(result).toMatchObject({ total: 1, done: 1 });
    expect((await stored()).rows).toStrictEqual(erased);
  });

  it('tells the platform nothing new about posts a person decided: their decision stands', async () => {
    await stack.produce([
      event('h1', 'I will kill you tonight', 'h-author'),
      event('h2', 'I will kill you at noon', 'h-author'),
      event('h3', 'I will kill you at dawn', 'h-author'),
    ]);
    const flagOf = async (eventId: string) =>
      eventually(`${eventId} flagged`, async () => {
        const { rows } = await stack.db.query(
          `SELECT f.id FROM flags f JOIN scored_events e ON e.id = f.scored_event_id
           WHERE e.event_id = $1 AND f.copy_of IS NULL`,
          [eventId],
        );
        return rows[0]?.id as string | undefined;
      });
    const [removed, escalated] = [await flagOf('h1'), await flagOf('h2')];
    await flagOf('h3');
    const reviewer = await stack.signIn('reviewer');
    for (const [flagId, action, reason] of [
      [removed, 'remove', 'Threat of violence'],
      [escalated, 'escalate', 'Imminent harm'],
    ])
      await reviewer.agent
        .post(`/api/flags/${flagId}/decision`)
        .set('x-csrf-token', reviewer.csrfToken)
        .send({ action, reason })
        .expect(201);

    // Version 3 no longer reviews violence: all three would be allowed now.
    const policy = defaultPolicy(MISTRAL_MODERATION_2603, 3);
    policy.rules['violence_and_threats'].enabled = false;
    await stack.db.query(
      `INSERT INTO policy_versions (version, status, category_set_id, rules, change_note, published_at)
       VALUES (3, 'published', $1, $2, 'test', now())`,
      [policy.categorySetId, JSON.stringify(policy.rules)],
    );
    const [{ from }] = (
      await stack.db.query(
        `SELECT min(scored_at) AS from FROM scored_events WHERE event_id IN ('h1', 'h2', 'h3')`,
      )
    ).rows;
    const result = await stack.app
      .get(RescoreService)
      .run({ from, to: new Date(Date.now() + 3_600_000), policyVersion: 3 });
    expect(result).toMatchObject({ total: 3, changed: 3 });

    // The stored automatic decision moves for all three (statistics, backtests)…
    const { rows: stored } = await stack.db.query(
      `SELECT e.event_id, e.decision, f.status FROM scored_events e
       JOIN flags f ON f.scored_event_id = e.id AND f.copy_of IS NULL
       WHERE e.event_id IN ('h1', 'h2', 'h3') ORDER BY e.event_id`,
    );
    expect(stored.map((r) => [r.event_id, r.decision, r.status])).toStrictEqual([
      ['h1', 'allow', 'decided'],
      ['h2', 'allow', 'escalated'],
      ['h3', 'allow', 'open'],
    ]);
    // …but only the post no person decided is announced as allowed. A platform keeping the
    // latest message would otherwise restore a post a reviewer removed, or one under escalation.
    const { rows: announced } = await stack.db.query(
      `SELECT value::jsonb->>'eventId' AS event_id FROM decision_outbox
       WHERE value::jsonb->>'kind' = 'automatic' AND value::jsonb->>'policyVersion' = '3'`,
    );
    expect(announced).toStrictEqual([{ event_id: 'h3' }]);
  });

  it('prunes score-cache entries past their age', async () => {
    await stack.db.query(
      `WITH m AS (INSERT INTO score_models (name) VALUES ('m') RETURNING id)
       INSERT INTO score_cache (model_id, text_hash, scored_model_id, score_layout, score_values, created_at)
       SELECT m.id, h, m.id, (compact_scores('{}')).layout, (compact_scores('{}')).vals, at
       FROM m, (VALUES ('\\x01'::bytea, now() - interval '400 days'), ('\\x02', now())) AS v(h, at)`,
    );
    expect(await stack.app.get(ScoreCachePruner).prune()).toBe(1);
    const left = await stack.db.query(
      `SELECT encode(c.text_hash, 'hex') AS h
       FROM score_cache c JOIN score_models m ON m.id = c.model_id WHERE m.name = 'm'`,
    );
    expect(left.rows).toStrictEqual([{ h: '02' }]);
  });
});

describe('rescore through the Mistral Batch API (embedded Postgres + fake Mistral)', () => {
  const mistral = new FakeMistralServer({ apiKey: 'it-key', recordRequests: true });
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  beforeAll(async () => {
    await mistral.start();
    stack = await startTestStack({
      INGEST_ENABLED: 'false',
      MISTRAL_API_KEY: 'it-key',
      MISTRAL_BASE_URL: mistral.url,
      MISTRAL_MODERATION_BATCH_SIZE: '2',
      MISTRAL_BATCH_POLL_MS: '100',
      RESCORE_VIA_BATCH_API: 'true',
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await mistral.stop();
  });

  it('scores the range in one job per chunk, with no online requests, and stores the new model', async () => {
    // Scored earlier by a model this installation no longer uses: no cached scores apply.
    await stack.db.query(
      `INSERT INTO scored_events (source, event_id, author_id, text, event_created_at, model_id,
                                  score_layout, score_values, policy_version, decision)
       SELECT 'forum', 'b' || i, 'a1', t, now(), score_model_id('mistral-moderation-2411'), (compact_scores('{"pii": 0}')).layout, (compact_scores('{"pii": 0}')).vals, 1, 'allow'
       FROM unnest(ARRAY['I will kill you tomorrow', 'Lovely weather', 'Lovely  weather',
                         'mail me at jane.doe@example.org', 'See you at noon'])
            WITH ORDINALITY AS x(t, i)`,
    );
    const jobs: string[] = [];
    const result = await stack.app.get(RescoreService).run({
      from: new Date('2000-01-01'),
      to: new Date(Date.now() + 3_600_000),
      onProgress: (p) =>
        p.batchJob && jobs.push(`${p.batchJob.status} ${p.batchJob.totalRequests}`),
    });

    expect(result).toMatchObject({ total: 5, done: 5, refused: 0, newlyFlagged: 2 });
    // 4 distinct texts, 2 per request: one job of 2 requests; nothing scored online.
    expect(jobs.at(-1)).toBe('SUCCESS 2');
    const calls = mistral.requests.map((r) => `${r.method} ${r.path}`);
    expect(calls.filter((c) => c === 'POST /v1/batch/jobs')).toHaveLength(1);
    expect(calls).not.toContain('POST /v1/moderations');

    const rows = await stack.db.query(
      `SELECT e.event_id, m.name AS model, e.decision, f.status FROM scored_events e JOIN score_models m ON m.id = e.model_id
       LEFT JOIN flags f ON f.scored_event_id = e.id ORDER BY e.event_id`,
    );
    expect(rows.rows.map((r) => [r.event_id, r.model, r.decision, r.status])).toStrictEqual([
      ['b1', 'mistral-moderation-2603', 'review', 'open'],
      ['b2', 'mistral-moderation-2603', 'allow', null],
      ['b3', 'mistral-moderation-2603', 'allow', null],
      ['b4', 'mistral-moderation-2603', 'review', 'open'],
      ['b5', 'mistral-moderation-2603', 'allow', null],
    ]);
    // The new scores are cached for the configured model: ingest will not pay for them again.
    const cached = await stack.db.query(
      `SELECT count(*)::int AS n FROM score_cache c JOIN score_models m ON m.id = c.model_id
       WHERE m.name = 'mistral-moderation-2603'`,
    );
    expect(cached.rows[0].n).toBe(4);
  });

  it('still scores every event when a tenth of the job fails: those requests go online', async () => {
    await stack.db.query(
      `INSERT INTO scored_events (source, event_id, author_id, text, event_created_at, model_id,
                                  score_layout, score_values, policy_version, decision)
       SELECT 'forum', 'tenth-' || i, 'a1', 'tenth ' || i || CASE WHEN i % 3 = 0 THEN ' I will kill you' ELSE '' END,
              now(), score_model_id('mistral-moderation-2411'), (compact_scores('{"pii": 0}')).layout, (compact_scores('{"pii": 0}')).vals, 1, 'allow'
       FROM generate_series(1, 40) AS i`,
    );
    mistral.requests.length = 0;
    mistral.scriptNextBatchJob({ failEvery: 10 });
    const result = await stack.app.get(RescoreService).run({
      from: new Date('2000-01-01'),
      to: new Date(Date.now() + 3_600_000),
    });
    expect(result).toMatchObject({ refused: 0 });
    const calls = mistral.requests.map((r) => `${r.method} ${r.path}`);
    // 20 requests of 2 texts in the job, every 10th failed: 2 requests sent again online.
    expect(calls.filter((c) => c === 'POST /v1/moderations')).toHaveLength(2);
    const rows = await stack.db.query(
      `SELECT count(*)::int AS n FROM scored_events
       WHERE event_id LIKE 'tenth-%' AND model_id = score_model_id('mistral-moderation-2603')`,
    );
    expect(rows.rows[0].n).toBe(40);
  });
});
