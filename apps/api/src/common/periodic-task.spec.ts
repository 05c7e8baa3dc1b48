import { PeriodicTask } from './periodic-task';

describe('PeriodicTask', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('skips a run while the last is under way, logs a failure and goes on, and stops after the run under way', async () => {
    const warnings: string[] = [];
    const finish: (() => void)[] = [];
    let runs = 0;
    const task = new PeriodicTask({ warn: (m: string) => warnings.push(m) }, 'job failed', () => {
      runs++;
      if (runs === 2) return Promise.reject(new Error('database away'));
      return new Promise<void>((resolve) => finish.push(resolve));
    });
    task.start(1000);

    await jest.advanceTimersByTimeAsync(1000);
    expect(runs).toBe(1);
    await jest.advanceTimersByTimeAsync(3000); // still under way: not started again
    expect(runs).toBe(1);
    finish.shift()?.();
    await jest.advanceTimersByTimeAsync(1000);
    expect(runs).toBe(2);
    expect(warnings).toStrictEqual(['job failed: database away']);
    await jest.advanceTimersByTimeAsync(1000);
    expect(runs).toBe(3);

    let stopped = false;
    const stopping = task.stop().then(() => (stopped = true));
    await jest.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false); // waits for run 3
    finish.shift()?.();
    await stopping;
    await jest.advanceTimersByTimeAsync(5000);
    expect(runs).toBe(3);
  });

  it('runs at once when asked, then on its interval', async () => {
    let runs = 0;
    const task = new PeriodicTask({ warn: () => undefined }, 'job failed', async () => {
      runs++;
    });
    task.start(1000, { now: true });
    expect(runs).toBe(1);
    await jest.advanceTimersByTimeAsync(1000);
    expect(runs).toBe(2);
    await task.stop();
  });
});
