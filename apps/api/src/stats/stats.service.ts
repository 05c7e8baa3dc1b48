import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { StatsDto } from '@sieve/contracts';
import type { MistralClient } from '@sieve/mistral';
import { DataSource } from 'typeorm';
import { MISTRAL_CLIENT } from '../mistral/mistral.module';

@Injectable()
export class StatsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(MISTRAL_CLIENT) private readonly mistral: MistralClient | null,
  ) {}

  async stats(days: number): Promise<StatsDto> {
    const [flagsPerDay, [queue], decisionsByReviewer, [agreement]] = await Promise.all([
      this.db.query(
        `SELECT to_char(date_trunc('day', f.created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day, c AS category, count(*)::int AS count
         FROM flags f, unnest(f.categories) AS c
         WHERE f.created_at >= now() - make_interval(days => $1)
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
           FROM flags f JOIN scored_events e ON e.id = f.scored_event_id
           WHERE f.status = 'decided' AND f.decided_at >= now() - make_interval(days => $1))
         SELECT count(*)::int AS pairs, count(*) FILTER (WHERE a.action = b.action)::int AS agreed
         FROM decided a JOIN decided b ON a.content = b.content AND a.reviewer < b.reviewer`,
        [days],
      ) as Promise<{ pairs: number; agreed: number }[]>,
    ]);
    const usage = this.mistral?.usage.summary();
    return {
      days,
      flagsPerDay,
      queue: {
        waiting: queue.waiting,
        oldestWaitingAt: queue.oldest ? new Date(queue.oldest).toISOString() : null,
      },
      decisionsByReviewer,
      agreement,
      mistralUsage: usage
        ? {
            requests: usage.requests,
            totalTokens: usage.totalTokens,
            costUsd: usage.costUsd,
            byModel: Object.fromEntries(
              Object.entries(usage.byModel).map(([model, t]) => [
                model,
                { requests: t.requests, totalTokens: t.totalTokens, costUsd: t.costUsd },
              ]),
            ),
          }
        : null,
    };
  }
}
