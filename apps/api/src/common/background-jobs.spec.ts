import type { AppConfig } from '../config/app-config';
import { BackgroundJobs } from './background-jobs';

describe('BackgroundJobs', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const jobsWith = (enabled: boolean) =>
    new BackgroundJobs({ BACKGROUND_JOBS_ENABLED: enabled } as AppConfig);

  it('starts no job on a replica without background jobs', async () => {
    let runs = 0;
    const jobs = jobsWith(false);
    jobs.every({
      everyMs: 1000,
      now: true,
      logger: { warn: () => undefined },
      failed: 'job failed',
      run: async () => runs++,
    });
    await jest.advanceTimersByTimeAsync(5000);
    expect(runs).toBe(0);
    expect(jobs.enabled).toBe(false);
  });

  it('runs every job on its interval and stops them all at shutdown, after the runs under way', async () => {
    const runs = { now: 0, later: 0 };
    const finish: (() => void)[] = [];
    const jobs = jobsWith(true);
    const job = { logger: { warn: () => undefined }, failed: 'job failed' };
    jobs.every({ ...job, everyMs: 1000, now: true, run: async () => runs.now++ });
    jobs.every({
      ...job,
      everyMs: 3000,
      run: () => {
        runs.later++;
        return new Promise<void>((resolve) => finish.push(resolve));
      },
    });
    expect(runs).toStrictEqual({ now: 1, later: 0 });
    await jest.advanceTimersByTimeAsync(3000);
    expect(runs).toStrictEqual({ now: 4, later: 1 });

    let stopped = false;
    const stopping = jobs.onModuleDestroy().then(() => (stopped = true));
    await jest.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false); // the second job's run is under way
    finish.shift()?.();
    await stopping;
    await jest.advanceTimersByTimeAsync(10_000);
    expect(runs).toStrictEqual({ now: 4, later: 1 });
  });
});
