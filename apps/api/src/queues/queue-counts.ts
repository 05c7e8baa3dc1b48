import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PeriodicTask } from '../common/periodic-task';

/** How often the changes in queue_open_counts are folded into one row per queue. */
const FOLD_EVERY_MS = 30_000;

export interface QueueCount {
  /** Flags not decided yet (open or escalated), claimed or not. */
  open: number;
  /** Of those, the ones under a live claim. */
  claimed: number;
  /** The oldest of them. */
  oldest: Date | null;
}

/**
 * What waits in each queue, without counting the open flags: their number is kept by triggers
 * on flags as changes in queue_open_counts (QueueOpenCounts migration), summed here. Claims
 * expire with time, which no trigger sees: claimed flags are counted live, from their own small
 * index. Every replica folds the changes into one row per queue now and then, so the sums stay
 * a few rows long; concurrent folds are safe (each sums only the rows it deleted).
 */
@Injectable()
export class QueueCounts implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('QueueCounts');
  private readonly folds = new PeriodicTask(
    this.logger,
    'open counts not folded, retrying later',
    () => this.fold(),
  );

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  onApplicationBootstrap(): void {
    this.folds.start(FOLD_EVERY_MS);
  }

  onApplicationShutdown(): Promise<void> {
    return this.folds.stop();
  }

  /** Per queue asked for (queues with nothing waiting included). */
  async of(queueIds: string[]): Promise<Map<string, QueueCount>> {
    const rows: { queue: string; open: string; claimed: number; oldest: Date | null }[] =
      await this.db.query(
        `WITH open AS (
           SELECT queue, sum(open) AS open FROM queue_open_counts
           WHERE queue = ANY($1::text[]) GROUP BY queue)
         SELECT q.queue, coalesce(o.open, 0) AS open,
                (SELECT count(*)::int FROM flags f
                 WHERE f.queue = q.queue AND f.claimed_by IS NOT NULL
                   AND f.claim_expires_at > now() AND f.status <> 'decided') AS claimed,
                (SELECT min(f.created_at) FROM flags f
                 WHERE f.queue = q.queue AND f.status <> 'decided') AS oldest
         FROM unnest($1::text[]) AS q(queue) LEFT JOIN open o ON o.queue = q.queue`,
        [queueIds],
      );
    return new Map(
      rows.map((r) => [r.queue, { open: Number(r.open), claimed: r.claimed, oldest: r.oldest }]),
    );
  }

  /** Across every queue: the flags not decided yet, and the oldest of them. */
  async total(): Promise<{ open: number; oldest: Date | null }> {
    const [row]: { open: string; oldest: Date | null }[] = await this.db.query(
      `SELECT coalesce((SELECT sum(open) FROM queue_open_counts), 0) AS open,
              (SELECT min(w.oldest)
               FROM (SELECT DISTINCT queue FROM queue_open_counts) AS q CROSS JOIN LATERAL (
                 SELECT min(f.created_at) AS oldest FROM flags f
                 WHERE f.queue = q.queue AND f.status <> 'decided') AS w) AS oldest`,
    );
    return { open: Number(row.open), oldest: row.oldest };
  }

  /** Folds each queue's changes into one row (none for a queue with nothing open). */
  async fold(): Promise<void> {
    await this.db.query(
      `WITH gone AS (DELETE FROM queue_open_counts RETURNING queue, open)
       INSERT INTO queue_open_counts (queue, open)
       SELECT queue, sum(open) FROM gone GROUP BY queue HAVING sum(open) <> 0`,
    );
  }
}
