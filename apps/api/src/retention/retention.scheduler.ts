import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { PeriodicTask } from '../common/periodic-task';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { RetentionService } from './retention.service';
import { ScoredEventPartitions } from './scored-event-partitions';

/**
 * Keeps allowed events' day partitions ahead of time (before ingest starts, then every run) and
 * enforces retention every RETENTION_RUN_EVERY_MINUTES; each replica tries, one runs.
 */
@Injectable()
export class RetentionScheduler implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Retention');
  private readonly ticks = new PeriodicTask(this.logger, 'retention failed, retrying later', () =>
    this.tick(),
  );

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly partitions: ScoredEventPartitions,
    private readonly retention: RetentionService,
  ) {}

  /** Module init runs before any module's bootstrap, so before the ingest consumer starts. */
  async onModuleInit(): Promise<void> {
    const { INGEST_ENABLED, BACKGROUND_JOBS_ENABLED } = this.config;
    if (INGEST_ENABLED || BACKGROUND_JOBS_ENABLED) await this.partitions.ensureAhead();
    if (BACKGROUND_JOBS_ENABLED) this.ticks.start(this.config.RETENTION_RUN_EVERY_MINUTES * 60_000);
  }

  onModuleDestroy(): Promise<void> {
    return this.ticks.stop();
  }

  private async tick(): Promise<void> {
    const created = await this.partitions.ensureAhead();
    if (created > 0) this.logger.log(`created ${created} day partitions of allowed events`);
    if (this.config.RETENTION_ENABLED) await this.retention.run({ dryRun: false });
  }
}
