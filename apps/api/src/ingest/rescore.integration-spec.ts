import { defaultPolicy, MISTRAL_MODERATION_2603 } from '@sieve/moderation';
import type { AutomaticDecisionMessage } from '@sieve/moderation';
import { eventually, startTestStack } from '../../test/test-stack';
import { HistogramRollupService } from '../policies/histogram-rollup.service';
import { ScoreCachePruner } from '../scoring/score-cache-pruner.service';
import { RescoreService } from './rescore.service';

const event = (id: string, text: string) => ({
  key: id,
  value: JSON.stringify({
    id,
    source: 'forum',
    authorId: 'a1',
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
    expect(unchanged.rows).toEqual([{ policy_version: 1 }]);

    const seen: number[] = [];
    const result = await rescore.run({
      ...range,
      policyVersion: 2,
      chunkSize: 2,
      onProgress: (p) => seen.push(p.done),
    });
    expect(seen).toEqual([2, 3]);
    expect(result).toMatchObject({ total: 3, changed: 1, newlyFlagged: 1 });

    const rows = await stack.db.query(
      `SELECT e.event_id, e.decision, e.policy_version, f.status, f.categories
       FROM scored_events e LEFT JOIN flags f ON f.scored_event_id = e.id ORDER BY e.event_id`,
    );
    expect(rows.rows.map((r) => [r.event_id, r.decision, r.policy_version, r.status])).toEqual([
      ['r1', 'review', 2, 'open'],
      ['r2', 'review', 2, 'open'],
      ['r3', 'review', 2, 'open'],
    ]);
    expect(rows.rows[1].categories).not.toContain('violence_and_threats');

    const histogram = `SELECT hour, source, category, bucket, sum(events)::int AS n FROM score_histograms
                       GROUP BY 1, 2, 3, 4 HAVING sum(events) <> 0 ORDER BY 1, 2, 3, 4`;
    const fromScratch = `SELECT date_trunc('hour', e.scored_at) AS hour, e.source, k.key AS category,
                                LEAST(floor(k.value::numeric * 100), 100)::smallint AS bucket, count(*)::int AS n
                         FROM scored_events e CROSS JOIN LATERAL jsonb_each_text(e.scores) AS k
                         GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`;
    expect((await stack.db.query(histogram)).rows).toEqual(
      (await stack.db.query(fromScratch)).rows,
    );

    await eventually('the changed decision re-published', async () =>
      stack.collected.decisions.some((m) => {
        const d = JSON.parse(m.value ?? '') as AutomaticDecisionMessage;
        return d.eventId === 'r1' && d.policyVersion === 2;
      }),
    );
  });

  it('prunes score-cache entries past their age', async () => {
    await stack.db.query(
      `INSERT INTO score_cache (model, text_hash, scored_model, scores, created_at)
       VALUES ('m', '\\x01', 'm', '{}', now() - interval '400 days'),
              ('m', '\\x02', 'm', '{}', now())`,
    );
    expect(await stack.app.get(ScoreCachePruner).prune()).toBe(1);
    const left = await stack.db.query(
      `SELECT encode(text_hash, 'hex') AS h FROM score_cache WHERE model = 'm'`,
    );
    expect(left.rows).toEqual([{ h: '02' }]);
  });
});
