import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { BackgroundJobs } from '../common/background-jobs';

/** How often the changes in queue_status_counts are folded into one row per queue and status. */
const FOLD_EVERY_MS = 30_000;

export interface QueueCount {
  /** Flags not decided yet (open or escalated), claimed or not. */
  open: number;
  /** Of those, the escalated ones. */
  escalated: number;
  /** Of the flags not decided yet, the ones under a live claim. */
  claimed: number;
  /** Of those, the escalated ones. */
  escalatedClaimed: number;
  /** Flags decided. */
  decided: number;
  /** The oldest flag not decided yet. */
  oldest: Date | null;
}

/**
 * What each queue holds, without counting the flags: their number per status is kept by
 * triggers on flags as changes in queue_status_counts (QueueStatusCounts migration), summed
 * here. Claims expire with time, which no trigger sees: claimed flags are counted live, from
 * their own small index. Every replica folds the changes into one row per queue and status now
 * and then, so the sums stay a few rows long; concurrent folds are safe (each sums only the rows
 * it deleted).
 */
@Injectable()
export class QueueCounts implements OnApplicationBootstrap {
  private readonly logger = new Logger('QueueCounts');

  constructor(
    private readonly jobs: BackgroundJobs,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  onApplicationBootstrap(): void {
    this.jobs.every({
      everyMs: FOLD_EVERY_MS,
      logger: this.logger,
      failed: 'queue counts not folded, retrying later',
      run: () => this.fold(),
    });
  }

  /** Per queue asked for (queues with nothing in them included). */
  async of(queueIds: string[]): Promise<Map<string, QueueCount>> {
    const rows: {
      queue: string;
      open: string;
      escalated: string;
      decided: string;
      claimed: number;
      escalated_claimed: number;
      oldest: Date | null;
    }[] = await this.db.query(
      `WITH kept AS (
         SELECT queue, sum(flags) FILTER (WHERE status <> 'decided') AS open,
                sum(flags) FILTER (WHERE status = 'escalated') AS escalated,
                sum(flags) FILTER (WHERE status = 'decided') AS decided
         FROM queue_status_counts WHERE queue = ANY($1::text[]) GROUP BY queue)
       SELECT q.queue, coalesce(k.open, 0) AS open, coalesce(k.escalated, 0) AS escalated,
              coalesce(k.decided, 0) AS decided, c.claimed, c.escalated_claimed,
              (SELECT min(f.created_at) FROM flags f
               WHERE f.queue = q.queue AND f.status <> 'decided') AS oldest
       FROM unnest($1::text[]) AS q(queue) LEFT JOIN kept k ON k.queue = q.queue
       CROSS JOIN LATERAL (
         SELECT count(*)::int AS claimed,
                count(*) FILTER (WHERE f.status = 'escalated')::int AS escalated_claimed
         FROM flags f
         WHERE f.queue = q.queue AND f.claimed_by IS NOT NULL
           AND f.claim_expires_at > now() AND f.status <> 'decided') AS c`,
      [queueIds],
    );
    return new Map(
      rows.map((r) => [
        r.queue,
        {
          open: Number(r.open),
          escalated: Number(r.escalated),
          claimed: r.claimed,
          escalatedClaimed: r.escalated_claimed,
          decided: Number(r.decided),
          oldest: r.oldest,
        },
      ]),
    );
  }

  /** Every queue that holds flags, or held some since the last fold. */
  async queues(): Promise<string[]> {
    const rows: { queue: string }[] = await this.db.query(
      `SELECT DISTINCT queue FROM queue_status_counts ORDER BY queue`,
    );
    return rows.map((r) => r.queue);
  }

  /** Across every queue: the flags not decided yet, and the oldest of them. */
  async total(): Promise<{ open: number; oldest: Date | null }> {
    const [row]: { open: string; oldest: Date | null }[] = await this.db.query(
      `SELECT coalesce((SELECT sum(flags) FROM queue_status_counts WHERE status <> 'decided'), 0)
                AS open,
              (SELECT min(w.oldest)
               FROM (SELECT DISTINCT queue FROM queue_status_counts) AS q CROSS JOIN LATERAL (
                 SELECT min(f.created_at) AS oldest FROM flags f
                 WHERE f.queue = q.queue AND f.status <> 'decided') AS w) AS oldest`,
    );
    return { open: Number(row.open), oldest: row.oldest };
  }

  /** Folds each queue's changes into one row per status (none for a status with no flags). */
  async fold(): Promise<void> {
    await this.db.query(
      `WITH gone AS (DELETE FROM queue_status_counts RETURNING queue, status, flags)
       INSERT INTO queue_status_counts (queue, status, flags)
       SELECT queue, status, sum(flags) FROM gone GROUP BY queue, status HAVING sum(flags) <> 0`,
    );
  }
}
