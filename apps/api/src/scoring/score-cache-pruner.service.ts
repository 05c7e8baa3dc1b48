import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { BackgroundJobs } from '../common/background-jobs';
import { APP_CONFIG, type AppConfig } from '../config/app-config';

const EVERY_MS = 3_600_000;
const ROWS_PER_DELETE = 10_000;

/** Deletes score-cache entries past SCORE_CACHE_MAX_AGE_HOURS (lookups ignore them already). */
@Injectable()
export class ScoreCachePruner implements OnApplicationBootstrap {
  private readonly logger = new Logger('ScoreCachePruner');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
    private readonly jobs: BackgroundJobs,
  ) {}

  onApplicationBootstrap(): void {
    this.jobs.every({
      everyMs: EVERY_MS,
      logger: this.logger,
      failed: 'pruning failed, retrying in an hour',
      run: () => this.prune(),
    });
  }

  /** In small deletes, so ingest writes never wait long behind it. Returns rows deleted. */
  async prune(): Promise<number> {
    let total = 0;
    for (;;) {
      const result: unknown[] = await this.db.query(
        `DELETE FROM score_cache WHERE ctid IN (
           SELECT ctid FROM score_cache
           WHERE created_at < now() - make_interval(hours => $1) LIMIT $2)`,
        [this.config.SCORE_CACHE_MAX_AGE_HOURS, ROWS_PER_DELETE],
      );
      // TypeORM answers a DELETE with [rows, count].
      const deleted = typeof result[1] === 'number' ? result[1] : 0;
      total += deleted;
      if (deleted < ROWS_PER_DELETE) return total;
    }
  }
}
