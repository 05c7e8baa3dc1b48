import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { RetentionService } from './retention.service';
import { ScoredEventPartitions } from './scored-event-partitions';

/**
 * Keeps allowed events' day partitions ahead of time (before ingest starts, then every run) and
 * enforces retention every RETENTION_RUN_EVERY_MINUTES; each replica tries, one runs.
 */
@Injectable()
export class RetentionScheduler implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Retention');
  private timer: ReturnType<typeof setInterval> | null = null;
  private running: Promise<void> | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly partitions: ScoredEventPartitions,
    private readonly retention: RetentionService,
  ) {}

  /** Module init runs before any module's bootstrap, so before the ingest consumer starts. */
  async onModuleInit(): Promise<void> {
    await this.partitions.ensureAhead();
    this.timer = setInterval(() => this.tick(), this.config.RETENTION_RUN_EVERY_MINUTES * 60_000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  private tick(): void {
    if (this.running) return;
    this.running = (async () => {
      const created = await this.partitions.ensureAhead();
      if (created > 0) this.logger.log(`created ${created} day partitions of allowed events`);
      if (this.config.RETENTION_ENABLED) await this.retention.run({ dryRun: false });
    })()
      .catch((error: Error) =>
        this.logger.warn(`retention failed, retrying later: ${error.message}`),
      )
      .finally(() => (this.running = null));
  }
}
