import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';

/** Day partitions of allowed events exist this many days ahead, so ingest never waits for one. */
export const PARTITION_DAYS_AHEAD = 7;

export interface AllowedPartition {
  name: string;
  /** Its range: [from, to), one UTC day. */
  from: Date;
  to: Date;
}

const DAY_MS = 86_400_000;
const PARTITION_NAME = /^scored_events_allowed_(\d{4})(\d{2})(\d{2})$/;

/**
 * The day partitions of scored_events' allowed events (PartitionedScoredEvents migration): the
 * database function names and creates them; this lists them and keeps them ahead of time.
 */
@Injectable()
export class ScoredEventPartitions {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Creates the missing partitions from `first` to `last` (UTC days, inclusive); returns how many. */
  async ensure(first: Date, last: Date): Promise<number> {
    const [{ created }]: { created: number }[] = await this.db.query(
      `SELECT ensure_scored_event_partitions($1::date, $2::date) AS created`,
      [utcDay(first), utcDay(last)],
    );
    return created;
  }

  /** Yesterday (a statement that began before midnight) to PARTITION_DAYS_AHEAD days ahead. */
  ensureAhead(now = new Date()): Promise<number> {
    return this.ensure(
      new Date(now.getTime() - DAY_MS),
      new Date(now.getTime() + PARTITION_DAYS_AHEAD * DAY_MS),
    );
  }

  async list(manager: EntityManager | DataSource = this.db): Promise<AllowedPartition[]> {
    const rows: { name: string }[] = await manager.query(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'scored_events_allowed'::regclass ORDER BY 1`,
    );
    return rows.flatMap(({ name }) => {
      const m = PARTITION_NAME.exec(name);
      if (!m) return [];
      const from = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
      return [{ name, from, to: new Date(from.getTime() + DAY_MS) }];
    });
  }
}

const utcDay = (at: Date) => at.toISOString().slice(0, 10);
