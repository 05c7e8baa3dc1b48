import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { BackgroundJobs } from '../common/background-jobs';
import { MetricsService } from '../metrics/metrics.service';
import { StatsService } from './stats.service';

const EVERY_MS = 15_000;

/**
 * Keeps the per-queue gauges current (what waits, the oldest open item, SLA breaches, time to
 * first look and to decision over the last hour), for alerting without opening the stats page.
 */
@Injectable()
export class QueueMetrics implements OnApplicationBootstrap {
  private readonly logger = new Logger('QueueMetrics');

  constructor(
    private readonly jobs: BackgroundJobs,
    private readonly stats: StatsService,
    private readonly metrics: MetricsService,
  ) {}

  onApplicationBootstrap(): void {
    this.jobs.every({
      everyMs: EVERY_MS,
      now: true,
      logger: this.logger,
      failed: 'queue metrics not updated',
      run: () => this.update(),
    });
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
