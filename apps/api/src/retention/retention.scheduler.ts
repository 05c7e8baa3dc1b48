import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { BackgroundJobs } from '../common/background-jobs';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { RetentionService } from './retention.service';
import { ScoredEventPartitions } from './scored-event-partitions';

/**
 * Keeps allowed events' day partitions ahead of time (before ingest starts, then every run) and
 * enforces retention every RETENTION_RUN_EVERY_MINUTES; each replica tries, one runs.
 */
@Injectable()
export class RetentionScheduler implements OnModuleInit {
  private readonly logger = new Logger('Retention');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly partitions: ScoredEventPartitions,
    private readonly retention: RetentionService,
    private readonly jobs: BackgroundJobs,
  ) {}

  /** Module init runs before any module's bootstrap, so before the ingest consumer starts. */
  async onModuleInit(): Promise<void> {
    if (this.config.INGEST_ENABLED || this.jobs.enabled) await this.partitions.ensureAhead();
    this.jobs.every({
      everyMs: this.config.RETENTION_RUN_EVERY_MINUTES * 60_000,
      logger: this.logger,
      failed: 'retention failed, retrying later',
      run: () => this.tick(),
    });
  }

  private async tick(): Promise<void> {
    const created = await this.partitions.ensureAhead();
    if (created > 0) this.logger.log(`created ${created} day partitions of allowed events`);
    if (this.config.RETENTION_ENABLED) await this.retention.run({ dryRun: false });
  }
}
