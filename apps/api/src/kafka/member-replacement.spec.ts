import { backoffDelay, MemberReplacement } from './member-replacement';

describe('MemberReplacement', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function replacementLogging(maxBackoffMs: number) {
    const scheduled: { delay: number; attempt: number }[] = [];
    const replacement = new MemberReplacement(maxBackoffMs, (delay, attempt) =>
      scheduled.push({ delay, attempt }),
    );
    return { replacement, scheduled };
  }

  it('waits longer after each failed replacement, up to the ceiling, and starts over after a join', () => {
    const { replacement, scheduled } = replacementLogging(4000);
    const replace = jest.fn();
    for (let i = 0; i < 5; i++) {
      replacement.schedule(replace);
      jest.runOnlyPendingTimers();
    }
    expect(replace).toHaveBeenCalledTimes(5);
    expect(scheduled.map((s) => s.attempt)).toStrictEqual([1, 2, 3, 4, 5]);
    const ceilings = [1000, 2000, 4000, 4000, 4000];
    scheduled.forEach(({ delay }, i) => {
      expect(delay).toBeGreaterThanOrEqual(ceilings[i] / 2);
      expect(delay).toBeLessThanOrEqual(ceilings[i]);
    });

    replacement.joined();
    replacement.schedule(replace);
    expect(scheduled.at(-1)?.attempt).toBe(1);
    expect(scheduled.at(-1)?.delay).toBeLessThanOrEqual(1000);
  });

  it('runs one replacement when asked twice before it is due', () => {
    const { replacement, scheduled } = replacementLogging(30_000);
    const replace = jest.fn();
    replacement.schedule(replace);
    replacement.schedule(replace);
    jest.runAllTimers();
    expect(replace).toHaveBeenCalledTimes(1);
    expect(scheduled).toHaveLength(1);
  });

  it('runs nothing once stopped, also what was already waiting', () => {
    const { replacement } = replacementLogging(30_000);
    const replace = jest.fn();
    replacement.schedule(replace);
    replacement.stop();
    replacement.schedule(replace);
    jest.runAllTimers();
    expect(replace).not.toHaveBeenCalled();
  });
});

describe('backoffDelay', () => {
  it('doubles from a second and never exceeds the ceiling', () => {
    for (let attempt = 1; attempt <= 30; attempt++) {
      const delay = backoffDelay(attempt, 30_000);
      const ceiling = Math.min(30_000, 500 * 2 ** attempt);
      expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
      expect(delay).toBeLessThanOrEqual(ceiling);
    }
  });
});
