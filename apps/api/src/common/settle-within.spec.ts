import { settleWithin, stopWithin } from './settle-within';

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

describe('stopWithin', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('is true, and says nothing, when the step settles in time', async () => {
    const said: string[] = [];
    const on = { gaveUp: () => void said.push('gave up'), finished: () => void said.push('late') };
    await expect(stopWithin(Promise.resolve(), 100, on)).resolves.toBe(true);
    expect(said).toStrictEqual([]);
  });

  it('gives up at the bound, then reports how late the step and what giving up started ended', async () => {
    let fail!: (error: Error) => void;
    const work = new Promise<void>((_resolve, reject) => (fail = reject));
    let finishMore!: () => void;
    const more = new Promise<void>((resolve) => (finishMore = resolve));
    const said: (string | number)[] = [];
    const stopping = stopWithin(work, 1000, {
      gaveUp: () => {
        said.push('gave up');
        return more;
      },
      finished: (lateMs) => said.push(lateMs),
    });
    await jest.advanceTimersByTimeAsync(1000);
    await expect(stopping).resolves.toBe(false);
    expect(said).toStrictEqual(['gave up']);
    await jest.advanceTimersByTimeAsync(1500);
    fail(new Error('broker gone')); // a failure is settled too, and not unhandled
    await jest.advanceTimersByTimeAsync(0);
    expect(said).toStrictEqual(['gave up']); // what giving up started is still running
    await jest.advanceTimersByTimeAsync(1000);
    finishMore();
    await jest.advanceTimersByTimeAsync(0);
    expect(said).toStrictEqual(['gave up', 2500]);
  });
});
