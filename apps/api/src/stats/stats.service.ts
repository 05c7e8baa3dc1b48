import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { QueueStatsDto, StatsDto } from '@sieve/contracts';
import type { MistralClient, PricingTable } from '@sieve/mistral';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { QUEUE_ORDER } from '../queues/queues.service';
import { MistralUsageStore } from '../mistral/mistral-usage.store';
import { QualityService } from '../quality/quality.service';
import { MISTRAL_CLIENT, MISTRAL_PRICING } from '../mistral/mistral.module';

@Injectable()
export class StatsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(MISTRAL_CLIENT) private readonly mistral: MistralClient | null,
    @Inject(MISTRAL_PRICING) private readonly pricing: PricingTable,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly usageStore: MistralUsageStore,
    private readonly quality: QualityService,
  ) {}

  async stats(days: number): Promise<StatsDto> {
    await this.usageStore.flush(); // this replica's latest calls count too
    const [
      flagsPerDay,
      [queue],
      decisionsByReviewer,
      [agreement],
      usageByModel,
      appeals,
      queues,
      automation,
      quality,
    ] = await Promise.all([
      this.db.query(
        `SELECT to_char(date_trunc('day', f.created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day, c AS category, count(*)::int AS count
         FROM flags f, unnest(f.categories) AS c
         WHERE f.created_at >= now() - make_interval(days => $1) AND f.copy_of IS NULL
         GROUP BY 1, 2 ORDER BY 1, 2`,
        [days],
      ),
      this.db.query(
        `SELECT count(*)::int AS waiting, min(created_at) AS oldest FROM flags WHERE status <> 'decided'`,
      ) as Promise<{ waiting: number; oldest: Date | null }[]>,
      this.db.query(
        `SELECT COALESCE(u.display_name, 'former user') AS reviewer,
                count(*) FILTER (WHERE d.action = 'approve')::int AS approve,
                count(*) FILTER (WHERE d.action = 'remove')::int AS remove,
                count(*) FILTER (WHERE d.action = 'escalate')::int AS escalate
         FROM flag_decisions d LEFT JOIN users u ON u.id = d.reviewer_id
         WHERE d.undone_at IS NULL AND d.created_at >= now() - make_interval(days => $1)
         GROUP BY 1 ORDER BY 1`,
        [days],
      ),
      // Pairs of final decisions by different reviewers on flags with the same text.
      this.db.query(
        `WITH decided AS (
           SELECT md5(e.text) AS content, f.decided_by AS reviewer, f.final_action AS action
           FROM flags f JOIN scored_events e ON e.id = f.scored_event_id AND e.kept
           WHERE f.status = 'decided' AND f.decided_at >= now() - make_interval(days => $1)
             AND f.copy_of IS NULL)
         SELECT count(*)::int AS pairs, count(*) FILTER (WHERE a.action = b.action)::int AS agreed
         FROM decided a JOIN decided b ON a.content = b.content AND a.reviewer < b.reviewer`,
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
        waiting: queue.waiting,
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
   * Per queue over the last `hours`: what waits and how long (against the queue's own SLA), and
   * how fast items were first looked at and decided.
   */
  async queueStats(hours: number): Promise<QueueStatsDto[]> {
    const rows: (Omit<QueueStatsDto, 'oldestOpenAt'> & { oldest: Date | null })[] =
      await this.db.query(
        `SELECT q.id AS queue, q.name,
              count(f.id) FILTER (WHERE f.status <> 'decided')::int AS open,
              min(f.created_at) FILTER (WHERE f.status <> 'decided') AS oldest,
              count(f.id) FILTER (WHERE f.status <> 'decided'
                AND f.created_at < now() - make_interval(mins => q.sla_minutes))::int AS "slaBreaches",
              count(f.id) FILTER (WHERE f.status = 'decided')::int AS decided,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM f.first_claimed_at - f.created_at))
                FILTER (WHERE f.first_claimed_at >= now() - make_interval(hours => $1)) AS "firstLookP50Seconds",
              percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM f.first_claimed_at - f.created_at))
                FILTER (WHERE f.first_claimed_at >= now() - make_interval(hours => $1)) AS "firstLookP90Seconds",
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM f.decided_at - f.created_at))
                FILTER (WHERE f.status = 'decided' AND f.decided_by IS NOT NULL) AS "decisionP50Seconds",
              percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM f.decided_at - f.created_at))
                FILTER (WHERE f.status = 'decided' AND f.decided_by IS NOT NULL) AS "decisionP90Seconds"
       FROM queues q
       LEFT JOIN flags f ON f.queue = q.id
         AND (f.status <> 'decided' OR f.decided_at >= now() - make_interval(hours => $1))
       GROUP BY q.id, q.name, q.created_at
       ORDER BY ${QUEUE_ORDER}`,
        [hours],
      );
    const round = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);
    return rows.map((row) => ({
      queue: row.queue,
      name: row.name,
      open: row.open,
      oldestOpenAt: row.oldest ? new Date(row.oldest).toISOString() : null,
      slaBreaches: row.slaBreaches,
      decided: row.decided,
      firstLookP50Seconds: round(row.firstLookP50Seconds),
      firstLookP90Seconds: round(row.firstLookP90Seconds),
      decisionP50Seconds: round(row.decisionP50Seconds),
      decisionP90Seconds: round(row.decisionP90Seconds),
    }));
  }

  /**
   * Automatic blocks of the period per triggered category: how many, how many automation closed
   * without review, and of those a person decided, how many they overturned (approved).
   */
  private async automationStats(days: number): Promise<StatsDto['automation']> {
    return this.db.query(
      `SELECT c AS category, count(*)::int AS blocks,
              count(*) FILTER (WHERE f.status = 'decided' AND f.decided_by IS NULL)::int AS closed,
              count(*) FILTER (WHERE f.decided_by IS NOT NULL)::int AS reviewed,
              count(*) FILTER (WHERE f.decided_by IS NOT NULL AND f.final_action = 'approve')::int AS overturned
       FROM flags f, unnest(f.categories) AS c
       WHERE f.auto_decision = 'block' AND f.created_at >= now() - make_interval(days => $1)
         AND f.copy_of IS NULL
       GROUP BY c ORDER BY c`,
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
