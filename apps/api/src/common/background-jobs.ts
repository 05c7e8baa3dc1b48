import { Inject, Injectable, type Logger, type OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { PeriodicTask } from './periodic-task';

export interface BackgroundJob {
  everyMs: number;
  /** Run the first time at once (a gauge wanted from the start), not after `everyMs`. */
  now?: boolean;
  logger: Pick<Logger, 'warn'>;
  /** What did not happen when a run fails, e.g. "rollup failed, retrying later". */
  failed: string;
  run: () => Promise<unknown>;
}

/**
 * Where every periodic job of a replica starts: rollups, pruning, strike recounts, erasure
 * resumption, gauges, scheduled retention. A replica with BACKGROUND_JOBS_ENABLED=false (one that
 * only serves, or a one-off command such as `npm run retention`) starts none, so a job added later
 * cannot run where it was not wanted. Each job runs as a PeriodicTask; all are stopped at shutdown,
 * after the runs under way.
 */
@Injectable()
export class BackgroundJobs implements OnModuleDestroy {
  private readonly started: PeriodicTask[] = [];

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get enabled(): boolean {
    return this.config.BACKGROUND_JOBS_ENABLED;
  }

  every({ everyMs, now = false, logger, failed, run }: BackgroundJob): void {
    if (!this.enabled) return;
    const task = new PeriodicTask(logger, failed, run);
    this.started.push(task);
    task.start(everyMs, { now });
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.started.splice(0).map((task) => task.stop()));
  }
}
