import type { Logger } from '@nestjs/common';

/**
 * A background job run every so often: a run is skipped while the previous one is still under
 * way, a failure is logged as a warning (the next run is the retry), the timer never keeps the
 * process alive, and `stop()` waits for a run under way (for a clean shutdown).
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  /** `failed` says what did not happen, e.g. "rollup failed, retrying later". */
  constructor(
    private readonly logger: Pick<Logger, 'warn'>,
    private readonly failed: string,
    private readonly task: () => Promise<unknown>,
  ) {}

  /** Runs every `everyMs`, the first time at once when `now` (a gauge wanted from the start). */
  start(everyMs: number, { now = false }: { now?: boolean } = {}): void {
    this.timer = setInterval(() => this.run(), everyMs);
    this.timer.unref();
    if (now) this.run();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  private run(): void {
    if (this.running) return;
    this.running = this.task()
      .then(
        () => undefined,
        (error: Error) => this.logger.warn(`${this.failed}: ${error.message}`),
      )
      .finally(() => (this.running = null));
  }
}
