import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { QueueStatsDto, StatsDto } from '@sieve/contracts';
import type { MistralClient, PricingTable } from '@sieve/mistral';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { flagCountsBetween } from '../flags/flag-counts-rollup';
import { QueueCounts } from '../queues/queue-counts';
import { QUEUE_ORDER } from '../queues/queues.service';
import { MistralUsageStore } from '../mistral/mistral-usage.store';
import { QualityService } from '../quality/quality.service';
import { MISTRAL_CLIENT, MISTRAL_PRICING } from '../mistral/mistral.module';

/** The stats page's period: the last `$1` days, up to now. */
const SINCE_DAYS = `(now() - make_interval(days => $1))`;
const NO_END = `'infinity'::timestamptz`;

@Injectable()
export class StatsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(MISTRAL_CLIENT) private readonly mistral: MistralClient | null,
    @Inject(MISTRAL_PRICING) private readonly pricing: PricingTable,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly usageStore: MistralUsageStore,
    private readonly quality: QualityService,
    private readonly queueCounts: QueueCounts,
  ) {}

  async stats(days: number): Promise<StatsDto> {
    await this.usageStore.flush(); // this replica's latest calls count too
    const [
      flagsPerDay,
      queue,
      decisionsByReviewer,
      [agreement],
      usageByModel,
      appeals,
      queues,
      automation,
      quality,
    ] = await Promise.all([
      this.db.query(
        `WITH ${flagCountsBetween(SINCE_DAYS, NO_END)}
         SELECT to_char(hour AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, category,
                sum(flags)::int AS count
         FROM flag_counts GROUP BY 1, 2 HAVING sum(flags) > 0 ORDER BY 1, 2`,
        [days],
      ),
      this.queueCounts.total(),
      this.db.query(
        `SELECT COALESCE(u.display_name, 'former user') AS reviewer,
                count(*) FILTER (WHERE d.action = 'approve')::int AS approve,
                count(*) FILTER (WHERE d.action = 'remove')::int AS remove,
                count(*) FILTER (WHERE d.action = 'escalate')::int AS escalate
         FROM flag_decisions d LEFT JOIN users u ON u.id = d.reviewer_id
         -- Sieve's decisions by precedent have no reviewer: not "former user"'s.
         WHERE d.undone_at IS NULL AND d.precedent IS NULL
           AND d.created_at >= now() - make_interval(days => $1)
         GROUP BY 1 ORDER BY 1`,
        [days],
      ),
      // Pairs of final decisions by different reviewers on flags with the same text, counted
      // rather than listed: a text decided n times makes (n² − Σ nᵣ²) / 2 pairs, nᵣ being each
      // reviewer's share (the same within each action for the pairs that agree). Joining the
      // decisions to themselves took a minute for one campaign's 20,000 identical posts. An
      // erased post's text is gone (''): it is nobody's twin.
      this.db.query(
        `WITH decided AS (
           SELECT md5(e.text) AS content, f.decided_by AS reviewer, f.final_action AS action,
                  count(*)::float8 AS n
           FROM flags f
           JOIN scored_events e ON e.id = f.scored_event_id AND e.kept AND e.erased_at IS NULL
           WHERE f.status = 'decided' AND f.decided_by IS NOT NULL
             AND f.decided_at >= now() - make_interval(days => $1) AND f.copy_of IS NULL
           GROUP BY 1, 2, 3),
         per_reviewer AS (SELECT content, sum(n) AS n FROM decided GROUP BY content, reviewer),
         per_text AS (SELECT sum(n) AS n, sum(n * n) AS by_one FROM per_reviewer GROUP BY content),
         per_action AS (SELECT sum(n) AS n, sum(n * n) AS by_one FROM decided GROUP BY content, action)
         SELECT coalesce((SELECT sum(n * n - by_one) / 2 FROM per_text), 0) AS pairs,
                coalesce((SELECT sum(n * n - by_one) / 2 FROM per_action), 0) AS agreed`,
        [days],
      ) as Promise<{ pairs: number; agreed: number }[]>,
      // Every replica's Mistral calls, as stored by MistralUsageStore.
      this.db.query(
        `SELECT model, sum(requests)::int AS requests,
                sum(prompt_tokens + completion_tokens)::float AS "totalTokens",
                sum(cost_usd)::float AS "costUsd"
         FROM mistral_usage WHERE minute >= now() - make_interval(days => $1)
         GROUP BY model ORDER BY model`,
        [days],
      ) as Promise<{ model: string; requests: number; totalTokens: number; costUsd: number }[]>,
      this.appealStats(days),
      this.queueStats(days * 24),
      this.automationStats(days),
      this.quality.stats(days),
    ]);
    const sum = (pick: (u: (typeof usageByModel)[number]) => number) =>
      usageByModel.reduce((total, u) => total + pick(u), 0);
    const usage =
      this.mistral || usageByModel.length > 0
        ? {
            requests: sum((u) => u.requests),
            totalTokens: sum((u) => u.totalTokens),
            costUsd: sum((u) => u.costUsd),
            byModel: Object.fromEntries(
              usageByModel.map(({ model, ...totals }) => [model, totals]),
            ),
            pricesAsOf: this.pricing.asOf,
          }
        : null;
    return {
      days,
      flagsPerDay,
      queue: {
        waiting: queue.open,
        oldestWaitingAt: queue.oldest ? new Date(queue.oldest).toISOString() : null,
      },
      decisionsByReviewer,
      agreement,
      appeals,
      queues,
      automation,
      quality,
      mistralUsage: usage,
    };
  }

  /**
   * Per queue over the last `hours`: what waits and how long (against the queue's own SLA), how
   * many were decided (by people or closed by automation), and how fast items were first looked
   * at and decided by people.
   */
  async queueStats(hours: number): Promise<QueueStatsDto[]> {
    const [gauges, closed] = await Promise.all([
      this.queueGauges(hours),
      // Automation closes a flag as it is created, so those of the period are created in it.
      this.db.query(
        `SELECT queue, count(*)::int AS closed FROM flags
         WHERE status = 'decided' AND decided_by IS NULL
           AND created_at >= now() - make_interval(hours => $1)
           AND decided_at >= now() - make_interval(hours => $1)
         GROUP BY queue`,
        [hours],
      ) as Promise<{ queue: string; closed: number }[]>,
    ]);
    const closedIn = new Map(closed.map((r) => [r.queue, r.closed]));
    return gauges.map((q) => ({ ...q, decided: q.decided + (closedIn.get(q.queue) ?? 0) }));
  }

  /**
   * `queueStats` without automation's closes, each part read from the kept counts or through an
   * index, never by counting the backlog: cheap enough for the gauges every replica refreshes
   * every 15 s, even with a million flags waiting. `decided` counts people's decisions.
   */
  async queueGauges(hours: number): Promise<QueueStatsDto[]> {
    type Timing = { queue: string; decided?: number; p: [number, number] };
    const [queues, firstLooks, decisions]: [
      { queue: string; name: string; withinSla: number }[],
      Timing[],
      Timing[],
    ] = await Promise.all([
      // Breaches are the open flags less those still within the SLA: counting the breaches
      // themselves would read the whole backlog when it is behind.
      this.db.query(
        `SELECT q.id AS queue, q.name, w."withinSla"
         FROM queues q CROSS JOIN LATERAL (
           SELECT count(*)::int AS "withinSla" FROM flags f
           WHERE f.queue = q.id AND f.status <> 'decided'
             AND f.created_at >= now() - make_interval(mins => q.sla_minutes)) AS w
         ORDER BY ${QUEUE_ORDER}`,
      ),
      this.db.query(
        `SELECT queue, percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP
                  (ORDER BY extract(epoch FROM first_claimed_at - created_at)) AS p
         FROM flags WHERE first_claimed_at >= now() - make_interval(hours => $1)
         GROUP BY queue`,
        [hours],
      ),
      this.db.query(
        `SELECT queue, count(*)::int AS decided, percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP
                  (ORDER BY extract(epoch FROM decided_at - created_at)) AS p
         FROM flags
         WHERE decided_by IS NOT NULL AND decided_at >= now() - make_interval(hours => $1)
           AND status = 'decided'
         GROUP BY queue`,
        [hours],
      ),
    ]);
    const byQueue = (rows: Timing[]) => new Map(rows.map((r) => [r.queue, r]));
    const looks = byQueue(firstLooks);
    const decided = byQueue(decisions);
    const round = (x: number | undefined) => (x === undefined ? null : Math.round(x * 10) / 10);
    const counts = await this.queueCounts.of(queues.map((q) => q.queue));
    return queues.map((row) => {
      const look = looks.get(row.queue)?.p;
      const decision = decided.get(row.queue);
      const { open, oldest } = counts.get(row.queue) ?? { open: 0, oldest: null };
      return {
        queue: row.queue,
        name: row.name,
        open,
        oldestOpenAt: oldest ? new Date(oldest).toISOString() : null,
        // Read a moment apart from `open`: a flag arriving in between must not make it negative.
        slaBreaches: Math.max(0, open - row.withinSla),
        decided: decision?.decided ?? 0,
        firstLookP50Seconds: round(look?.[0]),
        firstLookP90Seconds: round(look?.[1]),
        decisionP50Seconds: round(decision?.p[0]),
        decisionP90Seconds: round(decision?.p[1]),
      };
    });
  }

  /**
   * Automatic blocks of the period per triggered category: how many, how many automation closed
   * without review, and of those a person decided, how many they overturned (approved). The
   * blocks come from the hourly counts; the ones still waiting and the ones people decided are
   * few (bounded by review, not by traffic) and found through their indexes. The rest were
   * closed without a person (automation, or a precedent).
   */
  private async automationStats(days: number): Promise<StatsDto['automation']> {
    return this.db.query(
      `WITH ${flagCountsBetween(SINCE_DAYS, NO_END)},
       blocks AS (
         SELECT category, sum(blocks)::int AS blocks FROM flag_counts
         GROUP BY 1 HAVING sum(blocks) > 0
       ), waiting AS (
         SELECT c AS category, count(*)::int AS waiting
         FROM flags f, unnest(f.categories) AS c
         WHERE f.status <> 'decided' AND f.auto_decision = 'block' AND f.copy_of IS NULL
           AND f.created_at >= ${SINCE_DAYS}
         GROUP BY 1
       ), reviewed AS (
         SELECT c AS category, count(*)::int AS reviewed,
                count(*) FILTER (WHERE f.final_action = 'approve')::int AS overturned
         FROM flags f, unnest(f.categories) AS c
         WHERE f.decided_by IS NOT NULL AND f.decided_at >= ${SINCE_DAYS}
           AND f.created_at >= ${SINCE_DAYS} AND f.auto_decision = 'block' AND f.copy_of IS NULL
         GROUP BY 1
       )
       SELECT b.category, b.blocks,
              b.blocks - COALESCE(w.waiting, 0) - COALESCE(r.reviewed, 0) AS closed,
              COALESCE(r.reviewed, 0) AS reviewed, COALESCE(r.overturned, 0) AS overturned
       FROM blocks b LEFT JOIN waiting w USING (category) LEFT JOIN reviewed r USING (category)
       ORDER BY b.category`,
      [days],
    );
  }

  private async appealStats(days: number): Promise<StatsDto['appeals']> {
    const [[{ open }], byCategory, byReviewer] = await Promise.all([
      this.db.query(`SELECT count(*)::int AS open FROM appeals WHERE status = 'open'`) as Promise<
        { open: number }[]
      >,
      this.db.query(
        `SELECT c AS category, count(*)::int AS decided,
                count(*) FILTER (WHERE a.status = 'overturned')::int AS overturned
         FROM appeals a JOIN flags f ON f.id = a.flag_id, unnest(f.categories) AS c
         WHERE a.status <> 'open' AND a.decided_at >= now() - make_interval(days => $1)
         GROUP BY 1 ORDER BY 1`,
        [days],
      ),
      this.db.query(
        `SELECT CASE WHEN a.appealed_kind = 'automatic' THEN NULL
                     ELSE COALESCE(u.display_name, 'former user') END AS reviewer,
                count(*)::int AS decided,
                count(*) FILTER (WHERE a.status = 'overturned')::int AS overturned
         FROM appeals a LEFT JOIN users u ON u.id = a.original_reviewer_id
         WHERE a.status <> 'open' AND a.decided_at >= now() - make_interval(days => $1)
         GROUP BY 1 ORDER BY 1 NULLS FIRST`,
        [days],
      ),
    ]);
    return { open, byCategory, byReviewer };
  }
}
