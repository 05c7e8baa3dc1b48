import { DataSource } from 'typeorm';
import { startTestStack } from '../../test/test-stack';
import { RescoreService } from '../ingest/rescore.service';
import { StatsService } from '../stats/stats.service';
import { TransparencyService } from '../transparency/transparency.service';
import { FlagCountsRollup } from './flag-counts-rollup';

/** What the figures are by definition: read from every flag (the queries before the counts). */
const FLAGS_PER_DAY = `
  SELECT to_char(date_trunc('day', f.created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day,
         c AS category, count(*)::int AS count
  FROM flags f, unnest(f.categories) AS c
  WHERE f.created_at >= now() - make_interval(days => $1) AND f.copy_of IS NULL
  GROUP BY 1, 2 ORDER BY 1, 2`;
const AUTOMATION = `
  SELECT c AS category, count(*)::int AS blocks,
         count(*) FILTER (WHERE f.status = 'decided' AND f.decided_by IS NULL)::int AS closed,
         count(*) FILTER (WHERE f.decided_by IS NOT NULL)::int AS reviewed,
         count(*) FILTER (WHERE f.decided_by IS NOT NULL AND f.final_action = 'approve')::int AS overturned
  FROM flags f, unnest(f.categories) AS c
  WHERE f.auto_decision = 'block' AND f.created_at >= now() - make_interval(days => $1)
    AND f.copy_of IS NULL
  GROUP BY c ORDER BY c`;
const AUTOMATIC_BLOCKS = `
  SELECT to_char(date_trunc('day', f.created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS period,
         COALESCE(f.triggered->0->>'category', f.categories[1], 'unknown') AS category,
         count(*)::int AS decisions
  FROM flags f
  WHERE f.copy_of IS NULL AND f.auto_decision = 'block' AND f.created_at >= $1 AND f.created_at < $2
    AND NOT EXISTS (SELECT 1 FROM flag_decisions d WHERE d.flag_id = f.id AND d.undone_at IS NULL)
  GROUP BY 1, 2 ORDER BY 1, 2`;
/** The rolled-up hours as the flags would count them now. */
const RECOUNTED = `
  SELECT to_char(date_trunc('hour', f.created_at), 'YYYY-MM-DD"T"HH24') AS hour, c AS category,
         count(*)::int AS flags, count(*) FILTER (WHERE f.auto_decision = 'block')::int AS blocks
  FROM flags f, unnest(f.categories) AS c
  WHERE f.copy_of IS NULL AND f.created_at < (SELECT rolled_up_to FROM hourly_flag_counts_progress)
  GROUP BY 1, 2 ORDER BY 1, 2`;
const STORED = `
  SELECT to_char(hour, 'YYYY-MM-DD"T"HH24') AS hour, category, flags, blocks
  FROM hourly_flag_counts WHERE flags <> 0 ORDER BY 1, 2`;

const CATEGORIES = ['violence_and_threats', 'hate_and_discrimination', 'pii', 'selfharm'];

describe('hourly flag counts: the stats page and the transparency report read them', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000);

  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack?.stop());

  it('give the figures read from every flag, whatever has been rolled up, and follow rescores', async () => {
    const texts = ['I will kill you', 'you are all vermin', 'call me at 555-0100', 'nice day'];
    const seeded: string[] = [];
    for (let i = 0; i < 40; i++) {
      const flag = await stack.seedFlag(texts[i % texts.length], i % 3 === 0 ? 'block' : 'review');
      seeded.push(flag.id);
    }
    // Spread over three days (never within minutes of the 2-day boundary), with 0–3
    // categories, some blocked, some on an hour's first microsecond.
    await stack.db.query(
      `UPDATE flags f SET
         created_at = CASE WHEN s.i % 7 = 0 THEN date_trunc('hour', now()) - make_interval(hours => s.i::int)
                           ELSE now() - make_interval(mins => (1 + s.i * 97 % 4200)::int) END,
         categories = c.categories,
         triggered = COALESCE((SELECT jsonb_agg(jsonb_build_object('category', x, 'score', 0.9))
                               FROM unnest(c.categories) AS x), '[]')
       FROM unnest($1::uuid[]) WITH ORDINALITY AS s(id, i)
       CROSS JOIN LATERAL (SELECT ($2::text[])[1 + s.i % 4 : s.i % 4 + s.i % 3] AS categories) AS c
       WHERE f.id = s.id`,
      [seeded, CATEGORIES],
    );
    await stack.db.query(
      `UPDATE flags SET created_at = created_at + interval '10 minutes'
       WHERE created_at BETWEEN now() - interval '48 hours 5 minutes' AND now() - interval '47 hours 55 minutes'`,
    );
    // Automation closed some blocks; people decided others (one block overturned); a copy for
    // a quality check counts nowhere.
    await stack.db.query(
      `UPDATE flags SET status = 'decided', final_action = 'remove', decided_at = created_at
       WHERE id = ANY($1::uuid[])`,
      [[seeded[3], seeded[6]]],
    );
    const reviewer = await stack.signIn('reviewer');
    for (const [id, action] of [
      [seeded[0], 'approve'],
      [seeded[9], 'remove'],
      [seeded[1], 'remove'],
    ] as const) {
      await reviewer.agent
        .post(`/api/flags/${id}/decision`)
        .set('x-csrf-token', reviewer.csrfToken)
        .send({ action, reason: action === 'approve' ? 'Not harmful' : 'Threat of violence' })
        .expect(201);
    }
    await stack.db.query(
      `INSERT INTO flags (scored_event_id, auto_decision, categories, triggered, max_score, copy_of, hidden_from)
       SELECT scored_event_id, 'block', categories, triggered, max_score, id, NULL
       FROM flags WHERE id = $1`,
      [seeded[12]],
    );

    const rollup = stack.app.get(FlagCountsRollup);
    const stats = stack.app.get(StatsService);
    const transparency = stack.app.get(TransparencyService);
    const from = new Date(hoursAgo(60).getTime() + 17 * 60_000);
    const to = new Date(Date.now() - 23 * 60_000);
    const expectDefinitions = async () => {
      for (const days of [2, 7]) {
        const figures = await stats.stats(days);
        expect(figures.flagsPerDay).toStrictEqual(
          (await stack.db.query(FLAGS_PER_DAY, [days])).rows,
        );
        expect(figures.automation).toStrictEqual((await stack.db.query(AUTOMATION, [days])).rows);
      }
      const report = await transparency.report(from, to, 'day');
      expect(
        report.rows
          .filter((r) => r.action === 'block')
          .map(({ period, category, decisions }) => ({ period, category, decisions })),
      ).toStrictEqual((await stack.db.query(AUTOMATIC_BLOCKS, [from, to])).rows);
    };

    // Nothing rolled up: everything counted from the flags.
    await stack.db.query(
      `TRUNCATE hourly_flag_counts; UPDATE hourly_flag_counts_progress SET rolled_up_to = '-infinity'`,
    );
    await expectDefinitions();
    const automation = (await stats.stats(7)).automation;
    expect(automation.reduce((n, a) => n + a.blocks, 0)).toBeGreaterThan(5);
    expect(automation.reduce((n, a) => n + a.overturned, 0)).toBe(1);

    // Rolled up to the last settled hour: the same figures.
    await rollup.rollUp(0);
    const [{ through }] = (
      await stack.db.query(`SELECT rolled_up_to AS through FROM hourly_flag_counts_progress`)
    ).rows;
    expect(new Date(through).getTime() % 3_600_000).toBe(0);
    expect(Date.now() - new Date(through).getTime()).toBeLessThan(3_600_000);
    expect((await stack.db.query(STORED)).rows).toStrictEqual(
      (await stack.db.query(RECOUNTED)).rows,
    );
    await expectDefinitions();

    // A rescore changes open flags' categories and blocks in rolled-up hours: counts move.
    const before = (await stack.db.query(STORED)).rows;
    await stack.app.get(RescoreService).run({
      from: hoursAgo(1),
      to: new Date(Date.now() + 3_600_000),
      policyVersion: 1,
    });
    expect((await stack.db.query(STORED)).rows).not.toStrictEqual(before);
    expect((await stack.db.query(STORED)).rows).toStrictEqual(
      (await stack.db.query(RECOUNTED)).rows,
    );
    await expectDefinitions();

    // A flag created in an hour already rolled up (a transaction that began then) is counted by
    // its creator.
    const late = await stack.seedFlag('I will kill you', 'block');
    const [{ created_at: createdAt }] = (
      await stack.db.query(
        `UPDATE flags SET created_at = now() - interval '5 hours' WHERE id = $1 RETURNING created_at`,
        [late.id],
      )
    ).rows;
    await rollup.move(stack.app.get(DataSource).manager, [
      {
        createdAt,
        before: null,
        after: { categories: ['violence_and_threats'], top: 'violence_and_threats', blocked: true },
      },
    ]);
    expect((await stack.db.query(STORED)).rows).toStrictEqual(
      (await stack.db.query(RECOUNTED)).rows,
    );
    await expectDefinitions();
  });
});
