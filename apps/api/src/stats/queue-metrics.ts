import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { PeriodicTask } from '../common/periodic-task';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { StatsService } from './stats.service';

const EVERY_MS = 15_000;

/**
 * Keeps the per-queue gauges current (what waits, the oldest open item, SLA breaches, time to
 * first look and to decision over the last hour), for alerting without opening the stats page.
 */
@Injectable()
export class QueueMetrics implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('QueueMetrics');
  private readonly updates = new PeriodicTask(this.logger, 'queue metrics not updated', () =>
    this.update(),
  );

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly stats: StatsService,
    private readonly metrics: MetricsService,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.BACKGROUND_JOBS_ENABLED) return;
    this.updates.start(EVERY_MS, { now: true });
  }

  onModuleDestroy(): Promise<void> {
    return this.updates.stop();
  }

  async update(): Promise<void> {
    const m = this.metrics;
    for (const q of await this.stats.queueGauges(1)) {
      const queue = { queue: q.queue };
      m.queueOpen.set(queue, q.open);
      m.queueOldestOpenSeconds.set(
        queue,
        q.oldestOpenAt ? (Date.now() - Date.parse(q.oldestOpenAt)) / 1000 : 0,
      );
      m.queueSlaBreaches.set(queue, q.slaBreaches);
      m.queueFirstLookP50Seconds.set(queue, q.firstLookP50Seconds ?? 0);
      m.queueDecisionP50Seconds.set(queue, q.decisionP50Seconds ?? 0);
    }
  }
}
