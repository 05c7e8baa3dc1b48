import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { CategoryScores } from '@sieve/moderation';
import type { DataSource, EntityManager } from 'typeorm';
import { BackgroundJobs } from '../common/background-jobs';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { rollUpUntilCaughtUp } from '../database/rollup-until-caught-up';

/** A first rollup over a large history goes a day at a time. */
const MAX_WINDOW = '1 day';
/** Held by whoever writes the histograms: the rollup, and a rescore moving counted events. */
const ROLLUP_LOCK = 'sieve_histogram_rollup';

/**
 * Keeps score_histograms up to date from scored_events, in the background. Every api process
 * runs it; an advisory lock makes one do the work at a time. Backtests read the histograms.
 */
@Injectable()
export class HistogramRollupService implements OnApplicationBootstrap {
  private readonly logger = new Logger('HistogramRollup');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
    private readonly jobs: BackgroundJobs,
  ) {}

  onApplicationBootstrap(): void {
    const settleMs = this.config.BACKTEST_SETTLE_SECONDS * 1000;
    this.jobs.every({
      everyMs: Math.min(15_000, Math.max(1000, settleMs / 4)),
      logger: this.logger,
      failed: 'rollup failed, retrying later',
      run: () => this.rollUp(this.config.BACKTEST_SETTLE_SECONDS, { wait: false }),
    });
  }

  /**
   * Rolls up everything older than `settleSeconds`; returns when caught up. An ingest statement
   * stamps `scored_at` when it starts and is cut off at half the settle time, so no row older
   * than the settle time can still appear. Without `wait` (the background ticks), it leaves the
   * work to whoever holds the lock, which may not have caught up yet when this returns.
   */
  async rollUp(
    settleSeconds = this.config.BACKTEST_SETTLE_SECONDS,
    { wait = true }: { wait?: boolean } = {},
  ): Promise<void> {
    await rollUpUntilCaughtUp(this.db, ROLLUP_LOCK, { wait }, (tx) =>
      // One statement, so the window's bounds never round-trip through JS ('-infinity').
      tx.query(
        `WITH w AS (
           SELECT p.rolled_up_to AS lo,
                  LEAST(now() - make_interval(secs => $1),
                        COALESCE(NULLIF(p.rolled_up_to, '-infinity'),
                                 (SELECT min(scored_at) FROM scored_events), now())
                          + $2::interval) AS hi
           FROM score_histogram_progress p
         ), counted AS MATERIALIZED (
           SELECT date_trunc('hour', e.scored_at) AS hour, e.source, k.key AS category,
                  ${BUCKET_OF('k.value')} AS bucket, count(*)::int AS events
           FROM scored_events e CROSS JOIN w JOIN score_layouts l ON l.id = e.score_layout
           CROSS JOIN LATERAL unnest(l.categories, e.score_values) AS k(key, value)
           WHERE e.scored_at >= w.lo AND e.scored_at < w.hi
           GROUP BY 1, 2, 3, 4
         ), ${ADD_COUNTED}
         UPDATE score_histogram_progress p SET rolled_up_to = w.hi FROM w
         WHERE w.hi > w.lo
         RETURNING w.hi < now() - make_interval(secs => $1) AS more`,
        [settleSeconds, MAX_WINDOW],
      ),
    );
  }

  /**
   * Moves events already counted from their old scores' buckets to their new ones, e.g. when a
   * rescore changes them, in the caller's transaction. Only events the rollup has counted move;
   * the others are counted with their new scores when their turn comes. Which ones those are is
   * read under the rollup's lock, so a rollup cannot count an event between that reading and
   * the caller's commit.
   */
  async move(
    manager: EntityManager,
    moves: { scoredAt: string; source: string; from: CategoryScores; to: CategoryScores }[],
  ): Promise<void> {
    if (moves.length === 0) return;
    const rows = moves.flatMap((m) => [
      { ...m, scores: m.from, sign: -1 },
      { ...m, scores: m.to, sign: 1 },
    ]);
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [ROLLUP_LOCK]);
    await manager.query(
      `WITH counted AS MATERIALIZED (
         SELECT date_trunc('hour', u.scored_at) AS hour, u.source, k.key AS category,
                ${BUCKET_OF('k.value')} AS bucket, sum(u.sign)::int AS events
         FROM unnest($1::timestamptz[], $2::text[], $3::jsonb[], $4::int[])
           AS u(scored_at, source, scores, sign)
         CROSS JOIN LATERAL jsonb_each_text(u.scores) AS k
         WHERE u.scored_at < (SELECT rolled_up_to FROM score_histogram_progress)
         GROUP BY 1, 2, 3, 4
         HAVING sum(u.sign) <> 0
       ), ${ADD_COUNTED}
       SELECT 1`,
      [
        rows.map((r) => r.scoredAt),
        rows.map((r) => r.source),
        rows.map((r) => JSON.stringify(r.scores)),
        rows.map((r) => r.sign),
      ],
    );
  }
}

/** A score's bucket of 0.01 (exact on the decimal jsonb holds); a score of 1 gets the last. */
const BUCKET_OF = (value: string) => `LEAST(floor(${value}::numeric * 100), 100)::smallint`;
/**
 * Adds a CTE's `counted` rows (hour, source, category, bucket, events) to the hourly histograms
 * and to their UTC days'. Writers hold the rollup's advisory lock, so the two tables' upserts
 * never wait on another writer's; rows go in key order all the same.
 */
const ADD_COUNTED = `hourly AS (
    INSERT INTO score_histograms (hour, source, category, bucket, events)
    SELECT hour, source, category, bucket, events FROM counted
    ORDER BY 1, 2, 3, 4
    ON CONFLICT (hour, source, category, bucket)
    DO UPDATE SET events = score_histograms.events + EXCLUDED.events
  ), daily AS (
    INSERT INTO score_histograms_daily (day, source, category, bucket, events)
    SELECT (hour AT TIME ZONE 'UTC')::date, source, category, bucket, sum(events)
    FROM counted
    GROUP BY 1, 2, 3, 4
    HAVING sum(events) <> 0
    ORDER BY 1, 2, 3, 4
    ON CONFLICT (day, source, category, bucket)
    DO UPDATE SET events = score_histograms_daily.events + EXCLUDED.events
  )`;
