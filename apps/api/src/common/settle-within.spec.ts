import { reportWhenSettled, settleWithin } from './settle-within';

describe('settleWithin', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('is true when the work resolves or rejects in time', async () => {
    await expect(settleWithin(Promise.resolve(1), 100)).resolves.toBe(true);
    await expect(settleWithin(Promise.reject(new Error('gone')), 100)).resolves.toBe(true);
  });

  it('is false when the work is still running at the deadline, and leaves it running', async () => {
    let finish!: () => void;
    const work = new Promise<void>((resolve) => (finish = resolve));
    const result = settleWithin(work, 100);
    await jest.advanceTimersByTimeAsync(99);
    let settled = false;
    void result.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    await expect(result).resolves.toBe(false);
    finish();
    await expect(work).resolves.toBeUndefined();
  });
});

describe('reportWhenSettled', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('reports, once the work settles, how long after it was given up on', async () => {
    let fail!: (error: Error) => void;
    const work = new Promise<void>((_resolve, reject) => (fail = reject));
    const reported: number[] = [];
    reportWhenSettled(work, (afterMs) => reported.push(afterMs));
    await jest.advanceTimersByTimeAsync(2500);
    expect(reported).toStrictEqual([]);
    fail(new Error('broker gone')); // a failure is settled too, and not unhandled
    await jest.advanceTimersByTimeAsync(0);
    expect(reported).toStrictEqual([2500]);
  });
});
