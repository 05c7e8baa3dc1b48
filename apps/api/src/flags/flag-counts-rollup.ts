import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { BackgroundJobs } from '../common/background-jobs';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { rollUpUntilCaughtUp } from '../database/rollup-until-caught-up';

/** A first rollup over a long history goes six hours at a time (one statement each). */
const MAX_WINDOW = '6 hours';
/** Held by whoever writes the counts: the rollup, and a rescore creating or changing flags. */
const ROLLUP_LOCK = 'sieve_flag_counts_rollup';

/** What a flag counts as in hourly_flag_counts. */
export interface CountedFlag {
  categories: string[];
  /** The most severe triggered category (`triggered[0]`), if any. */
  top: string | null;
  blocked: boolean;
}

/** A flag created, or changed by a rescore: counted as `before` until now, as `after` from now. */
export interface FlagCountMove {
  createdAt: Date;
  before: CountedFlag | null;
  after: CountedFlag | null;
}

/**
 * Each flag `f` as one row per category it is counted under: (category, listed, top). Listed:
 * among its categories. Top: its most severe category, or 'unknown' when it records none, as
 * the transparency report names it.
 */
const PER_CATEGORY = (flag: string) => `CROSS JOIN LATERAL (
    SELECT COALESCE(${flag}.triggered->0->>'category', ${flag}.categories[1], 'unknown') AS name
  ) AS top
  CROSS JOIN LATERAL (
    SELECT c.category, true AS listed,
           c.ord IS NOT DISTINCT FROM array_position(${flag}.categories, top.name) AS top
    FROM unnest(${flag}.categories) WITH ORDINALITY AS c(category, ord)
    UNION ALL
    SELECT top.name, false, true WHERE array_position(${flag}.categories, top.name) IS NULL
  ) AS k`;

const COUNTS = (flag: string, sign = '1') => `
    COALESCE(sum(${sign}) FILTER (WHERE k.listed), 0)::int AS flags,
    COALESCE(sum(${sign}) FILTER (WHERE k.listed AND ${flag}.auto_decision = 'block'), 0)::int AS blocks,
    COALESCE(sum(${sign}) FILTER (WHERE k.top AND ${flag}.auto_decision = 'block'), 0)::int AS top_blocks`;

/** A flag with no category that was not blocked counts nowhere. */
const COUNTS_ANY = (flag: string) =>
  `count(*) FILTER (WHERE k.listed OR (k.top AND ${flag}.auto_decision = 'block')) > 0`;

/** Adds a CTE's `counted` rows (hour, category, flags, blocks, top_blocks) to the counts. */
const ADD_COUNTED = `added AS (
    INSERT INTO hourly_flag_counts (hour, category, flags, blocks, top_blocks)
    SELECT hour, category, flags, blocks, top_blocks FROM counted ORDER BY 1, 2
    ON CONFLICT (hour, category) DO UPDATE
      SET flags = hourly_flag_counts.flags + EXCLUDED.flags,
          blocks = hourly_flag_counts.blocks + EXCLUDED.blocks,
          top_blocks = hourly_flag_counts.top_blocks + EXCLUDED.top_blocks
  )`;

/** The first whole hour at or after a timestamptz expression. */
const CEIL_HOUR = (at: string) =>
  `(date_trunc('hour', (${at}) - interval '1 microsecond', 'UTC') + interval '1 hour')`;

/**
 * SQL of the CTE `flag_counts (hour, category, flags, blocks, top_blocks)`: the flags created
 * in [from, to) (SQL expressions; `to` may be 'infinity'), copies for quality checks aside,
 * counted per hour and category. Whole hours already rolled up come from hourly_flag_counts;
 * the part-hours at either end and whatever is not rolled up yet are counted from the flags
 * (through their creation-time index), so the counts are exact whenever they are read.
 * `flags` and `blocks` count a flag under each of its categories, `top_blocks` a blocked flag
 * under its most severe one only (so they add up to the blocks).
 */
export function flagCountsBetween(from: string, to: string): string {
  // Scalar subqueries, so each bound is computed once and the flags' index ranges use them.
  const wholeFrom = `(SELECT ${CEIL_HOUR(from)})`;
  const rolledTo = `(SELECT GREATEST(${CEIL_HOUR(from)},
                     LEAST(date_trunc('hour', ${to}, 'UTC'), p.rolled_up_to))
                     FROM hourly_flag_counts_progress p)`;
  const counted = (range: string) => `
    SELECT date_trunc('hour', f.created_at, 'UTC') AS hour, k.category, ${COUNTS('f')}
    FROM flags f ${PER_CATEGORY('f')}
    WHERE f.copy_of IS NULL AND ${range}
    GROUP BY 1, 2 HAVING ${COUNTS_ANY('f')}`;
  return `flag_counts AS (
    SELECT r.hour, r.category, r.flags, r.blocks, r.top_blocks
    FROM hourly_flag_counts r WHERE r.hour >= ${wholeFrom} AND r.hour < ${rolledTo}
    UNION ALL ${counted(`f.created_at >= ${from} AND f.created_at < LEAST(${wholeFrom}, ${to})`)}
    UNION ALL ${counted(`f.created_at >= ${rolledTo} AND f.created_at < ${to}`)}
  )`;
}

/**
 * Keeps hourly_flag_counts up to date from the flags, in the background: every api process runs
 * it, an advisory lock makes one do the work at a time. Flags are counted once their hour is
 * older than BACKTEST_SETTLE_SECONDS (an ingest statement, which stamps its flags' `created_at`,
 * is cut off at half that), and a rescore that creates or changes flags moves their counts
 * itself (`move`).
 */
@Injectable()
export class FlagCountsRollup implements OnApplicationBootstrap {
  private readonly logger = new Logger('FlagCountsRollup');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
    private readonly jobs: BackgroundJobs,
  ) {}

  onApplicationBootstrap(): void {
    this.jobs.every({
      everyMs: 15_000,
      logger: this.logger,
      failed: 'rollup failed, retrying later',
      run: () => this.rollUp(this.config.BACKTEST_SETTLE_SECONDS, { wait: false }),
    });
  }

  /**
   * Counts every whole hour older than `settleSeconds`; returns when caught up. Without `wait`
   * (the background ticks), it leaves the work to whoever holds the lock.
   */
  async rollUp(
    settleSeconds = this.config.BACKTEST_SETTLE_SECONDS,
    { wait = true }: { wait?: boolean } = {},
  ): Promise<void> {
    const settled = `date_trunc('hour', now() - make_interval(secs => $1), 'UTC')`;
    await rollUpUntilCaughtUp(this.db, ROLLUP_LOCK, { wait }, (tx) =>
      tx.query(
        `WITH w AS (
           SELECT p.rolled_up_to AS lo,
                  LEAST(${settled},
                        date_trunc('hour', COALESCE(NULLIF(p.rolled_up_to, '-infinity'),
                                                    (SELECT min(created_at) FROM flags), now()),
                                   'UTC') + $2::interval) AS hi
           FROM hourly_flag_counts_progress p
         ), counted AS MATERIALIZED (
           SELECT date_trunc('hour', f.created_at, 'UTC') AS hour, k.category, ${COUNTS('f')}
           FROM flags f CROSS JOIN w ${PER_CATEGORY('f')}
           WHERE f.created_at >= w.lo AND f.created_at < w.hi AND f.copy_of IS NULL
           GROUP BY 1, 2 HAVING ${COUNTS_ANY('f')}
         ), ${ADD_COUNTED}
         UPDATE hourly_flag_counts_progress p SET rolled_up_to = w.hi FROM w
         WHERE w.hi > w.lo
         RETURNING w.hi < ${settled} AS more`,
        [settleSeconds, MAX_WINDOW],
      ),
    );
  }

  /**
   * Counts flags a rescore created or changed, in the caller's transaction, where the rollup
   * has already passed their hour; the others it counts as they are when their turn comes. The
   * rollup's lock, held to the caller's commit, keeps it from passing them in between.
   */
  async move(manager: EntityManager, moves: FlagCountMove[]): Promise<void> {
    const rows = moves.flatMap((m) => [
      ...(m.before ? [{ createdAt: m.createdAt, flag: m.before, sign: -1 }] : []),
      ...(m.after ? [{ createdAt: m.createdAt, flag: m.after, sign: 1 }] : []),
    ]);
    if (rows.length === 0) return;
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [ROLLUP_LOCK]);
    await manager.query(
      `WITH f AS (
         SELECT m.created_at, m.sign,
                ARRAY(SELECT jsonb_array_elements_text(m.categories)) AS categories,
                CASE WHEN m.top IS NULL THEN '[]'::jsonb
                     ELSE jsonb_build_array(jsonb_build_object('category', m.top)) END AS triggered,
                CASE WHEN m.blocked THEN 'block' ELSE 'review' END AS auto_decision
         FROM unnest($1::timestamptz[], $2::jsonb[], $3::text[], $4::boolean[], $5::int[])
           AS m(created_at, categories, top, blocked, sign)
         WHERE m.created_at < (SELECT rolled_up_to FROM hourly_flag_counts_progress)
       ), counted AS MATERIALIZED (
         SELECT date_trunc('hour', f.created_at, 'UTC') AS hour, k.category, ${COUNTS('f', 'f.sign')}
         FROM f ${PER_CATEGORY('f')}
         GROUP BY 1, 2
       ), ${ADD_COUNTED}
       SELECT 1`,
      [
        rows.map((r) => r.createdAt),
        rows.map((r) => JSON.stringify(r.flag.categories)),
        rows.map((r) => r.flag.top),
        rows.map((r) => r.flag.blocked),
        rows.map((r) => r.sign),
      ],
    );
  }
}
