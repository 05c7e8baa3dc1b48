import { FakeClock } from '../testing/fake-clock';
import { RateLimiter } from './rate-limiter';

describe('RateLimiter', () => {
  it('spaces requests to the per-second budget without real sleeps', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ requestsPerSecond: 2, adaptive: false }, clock);
    const started = clock.now();
    for (let i = 0; i < 6; i++) (await limiter.acquire())('ok');
    // A burst of 2, then one request per 500 ms.
    expect(clock.now() - started).toBe(2000);
  });

  it('waits for the token budget per minute', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ tokensPerMinute: 600, adaptive: false }, clock);
    (await limiter.acquire(600))('ok');
    (await limiter.acquire(300))('ok');
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBe(30_000);
  });

  it('spaces requests out when the server says its minute budget is spent, before any 429', async () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ adaptive: false }, clock);
    (await limiter.acquire())('ok');
    expect(clock.sleeps).toStrictEqual([]);
    limiter.observe({
      requestsLimit: 60,
      requestsRemaining: 0,
      tokensLimit: null,
      tokensRemaining: null,
    });
    (await limiter.acquire())('ok');
    expect(clock.sleeps).toStrictEqual([1000]); // one per minute / 60
    limiter.observe({
      requestsLimit: 60,
      requestsRemaining: 40,
      tokensLimit: null,
      tokensRemaining: null,
    });
    (await limiter.acquire())('ok');
    expect(clock.sleeps).toStrictEqual([1000]);
  });

  it('halves concurrency on 429 and grows it back one step per window of successes', async () => {
    const limiter = new RateLimiter({ maxConcurrency: 8 });
    (await limiter.acquire())('throttled');
    expect(limiter.concurrency).toBe(4);
    (await limiter.acquire())('throttled');
    expect(limiter.concurrency).toBe(2);
    for (let i = 0; i < 2; i++) (await limiter.acquire())('ok');
    expect(limiter.concurrency).toBe(3);
    for (let i = 0; i < 3; i++) (await limiter.acquire())('ok');
    expect(limiter.concurrency).toBe(4);
  });

  it('never lets more than the limit run at once', async () => {
    const limiter = new RateLimiter({ maxConcurrency: 3, adaptive: false });
    let running = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        const release = await limiter.acquire();
        peak = Math.max(peak, ++running);
        await new Promise((r) => setTimeout(r, 2));
        running--;
        release('ok');
      }),
    );
    expect(peak).toBe(3);
    expect(limiter.active).toBe(0);
  });
});
