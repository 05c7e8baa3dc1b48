import type { BacktestDataDto } from '@sieve/contracts';
import { DataSource } from 'typeorm';
import { DAILY_HISTOGRAMS, HOURS_BY_DAY } from '../../test/histograms';
import { startTestStack } from '../../test/test-stack';
import { DailyScoreHistograms1764352800000 } from '../database/migrations/1764352800000-DailyScoreHistograms';
import { BacktestService } from './backtest.service';
import { HistogramRollupService } from './histogram-rollup.service';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const EVENTS = 2_000;

/** What a range's histograms are by definition: every hour from the one `from` falls in. */
// (UTC hours: the spec's pool, like the api's, works in UTC; the server's own zone is not.)
const HOURLY = `SELECT source, category, bucket, sum(events)::int AS n FROM score_histograms
                WHERE hour >= date_trunc('hour', $1::timestamptz) AND hour < $2
                GROUP BY 1, 2, 3`;
/** And its events, counted where they are stored. */
const EVENTS_OF_RANGE = `SELECT count(*)::int AS n FROM scored_events
                         WHERE scored_at >= date_trunc('hour', $1::timestamptz, 'UTC')
                           AND date_trunc('hour', scored_at, 'UTC') < $2`;

describe('backtest histograms: whole days from the daily rows, the hours at the ends from the hourly', () => {
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  /** Midnight UTC six days ago: the events fill the six days from there, at odd minutes. */
  const start = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS - 6 * DAY_MS);
  const at = (ms: number) => new Date(start.getTime() + ms);

  beforeAll(async () => {
    // The background rollup leaves the last hour alone; the spec rolls up when it means to.
    stack = await startTestStack({ RETENTION_ENABLED: 'false', BACKTEST_SETTLE_SECONDS: '3600' });
    await stack.db.query(`SELECT ensure_scored_event_partitions($1::date - 1, now()::date)`, [
      start.toISOString(),
    ]);
    await stack.db.query(
      `INSERT INTO scored_events (source, event_id, author_id, text, event_created_at, scored_at,
                                  model_id, score_layout, score_values, policy_version, decision)
       SELECT (ARRAY['forum', 'comments', 'chat'])[1 + i % 3], 'bt-' || i, 'u' || (i % 7),
              'text ' || i, now(), $1::timestamptz + (i * 997 % (6 * 1440)) * interval '1 minute',
              m.id, z.layout, z.vals, 1, 'allow'
       FROM generate_series(1, $2::int) AS i
       CROSS JOIN LATERAL compact_scores(jsonb_build_object(
         'pii', (i * 37 % 101) / 100.0, 'sexual', (i * 53 % 101) / 100.0)) AS z
       CROSS JOIN score_model_id('mistral-moderation-2603') AS m(id)`,
      [start.toISOString(), EVENTS],
    );
    await stack.app.get(HistogramRollupService).rollUp(0);
  });
  afterAll(() => stack?.stop());

  const backtest = (from: Date, to: Date) => stack.app.get(BacktestService).data(from, to);
  const byDefinition = async (from: Date, to: Date) => {
    const rows: { source: string; category: string; bucket: number; n: number }[] = (
      await stack.db.query(HOURLY, [from.toISOString(), to.toISOString()])
    ).rows;
    const histograms: BacktestDataDto['histograms'] = {};
    for (const { source, category, bucket, n } of rows)
      ((histograms[source] ??= {})[category] ??= new Array<number>(101).fill(0))[bucket] = n;
    return histograms;
  };

  it('counts every range as its hours would, ends inside a day, on midnights, or a day apart', async () => {
    const bounds = [
      at(-2 * HOUR_MS),
      start,
      at(30 * 60_000),
      at(HOUR_MS),
      at(23 * HOUR_MS),
      at(DAY_MS),
      at(DAY_MS + 5 * HOUR_MS + 17 * 60_000),
      at(2 * DAY_MS + 59 * 60_000),
      at(3 * DAY_MS),
      at(5 * DAY_MS - 1000),
      at(5 * DAY_MS),
      at(6 * DAY_MS),
      new Date(Date.now() + HOUR_MS),
    ];
    let compared = 0;
    for (const [i, from] of bounds.entries())
      for (const to of bounds.slice(i + 1)) {
        const { histograms, events } = await backtest(from, to);
        const [{ n }] = (await stack.db.query(EVENTS_OF_RANGE, [from, to])).rows;
        expect({ from, to, histograms, events }).toStrictEqual({
          from,
          to,
          histograms: await byDefinition(from, to),
          events: n,
        });
        compared++;
      }
    expect(compared).toBe(78);

    const all = await backtest(at(-DAY_MS), new Date(Date.now() + HOUR_MS));
    expect(all.events).toBe(EVENTS);
    expect(all.histograms['forum']['pii'].reduce((a, b) => a + b, 0)).toBe(Math.floor(EVENTS / 3));
  });

  it('keeps each day the sum of its hours when a rescore moves counted events', async () => {
    const histograms = stack.app.get(HistogramRollupService);
    const moved: { scored_at: string; source: string }[] = (
      await stack.db.query(
        `SELECT scored_at::text, source FROM scored_events ORDER BY event_id LIMIT 40`,
      )
    ).rows;
    const allBefore = await backtest(at(-DAY_MS), at(7 * DAY_MS));
    await stack.app.get(DataSource).transaction((tx) =>
      histograms.move(
        tx,
        moved.map((e) => ({
          scoredAt: e.scored_at,
          source: e.source,
          from: { pii: 0.5, sexual: 0.5 },
          to: { pii: 0.99, sexual: 0.01 },
        })),
      ),
    );
    expect((await stack.db.query(DAILY_HISTOGRAMS)).rows).toStrictEqual(
      (await stack.db.query(HOURS_BY_DAY)).rows,
    );
    const allAfter = await backtest(at(-DAY_MS), at(7 * DAY_MS - 1000));
    expect(allAfter.events).toBe(allBefore.events);
    const piiAt = (data: BacktestDataDto, bucket: number) =>
      Object.values(data.histograms).reduce((sum, bySource) => sum + bySource['pii'][bucket], 0);
    expect(piiAt(allAfter, 99) - piiAt(allBefore, 99)).toBe(40);
    expect(piiAt(allBefore, 50) - piiAt(allAfter, 50)).toBe(40);

    // An event the rollup has not counted yet is left to it: nothing moves.
    const [late]: { scored_at: string; source: string }[] = (
      await stack.db.query(
        `INSERT INTO scored_events (source, event_id, author_id, text, event_created_at, scored_at,
                                    model_id, score_layout, score_values, policy_version, decision)
         SELECT 'forum', 'bt-late', 'u1', 'late', now(), now(), m.id, z.layout, z.vals, 1, 'allow'
         FROM compact_scores('{"pii": 0.5}') AS z, score_model_id('mistral-moderation-2603') AS m(id)
         RETURNING scored_at::text, source`,
      )
    ).rows;
    const hourly = async () =>
      (await stack.db.query(`SELECT * FROM score_histograms ORDER BY 1, 2, 3, 4`)).rows;
    const before = await hourly();
    await stack.app
      .get(DataSource)
      .transaction((tx) =>
        histograms.move(tx, [
          { scoredAt: late.scored_at, source: late.source, from: { pii: 0.5 }, to: { pii: 0.9 } },
        ]),
      );
    expect(await hourly()).toStrictEqual(before);
  });

  it('the migration sums the hours already rolled up into days', async () => {
    const expected = (await stack.db.query(HOURS_BY_DAY)).rows;
    expect(expected.length).toBeGreaterThan(0);
    const runner = stack.app.get(DataSource).createQueryRunner();
    try {
      await runner.query(`DROP TABLE score_histograms_daily`);
      await new DailyScoreHistograms1764352800000().up(runner);
    } finally {
      await runner.release();
    }
    expect((await stack.db.query(DAILY_HISTOGRAMS)).rows).toStrictEqual(expected);
  });
});
