import type { RateLimitSnapshot } from './rate-limit-headers';
export interface RateLimitOptions {
  /** Sustained requests per second (bursts up to this many). */
  requestsPerSecond?: number;
  /** Token budget per minute (prompt + completion, estimated before the call). */
  tokensPerMinute?: number;
  /** Upper bound on requests in flight; adaptive concurrency moves below it. Default 16. */
  maxConcurrency?: number;
  /** Lower bound for adaptive concurrency. Default 1. */
  minConcurrency?: number;
  /** Halve concurrency on 429, grow it by one per window of successes. Default true. */
  adaptive?: boolean;
}

export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

class TokenBucket {
  private level: number;
  private updatedAt: number;

  constructor(
    private readonly capacity: number,
    private readonly refillPerMs: number,
    private readonly clock: Clock,
  ) {
    this.level = capacity;
    this.updatedAt = clock.now();
  }

  /** Milliseconds until `amount` is available (0 if it is now). Takes it when available. */
  take(amount: number): number {
    const now = this.clock.now();
    this.level = Math.min(this.capacity, this.level + (now - this.updatedAt) * this.refillPerMs);
    this.updatedAt = now;
    const wanted = Math.min(amount, this.capacity);
    if (this.level >= wanted) {
      this.level -= wanted;
      return 0;
    }
    return Math.ceil((wanted - this.level) / this.refillPerMs);
  }
}

export type Outcome = 'ok' | 'throttled' | 'failed';

/**
 * Client-side limits so a busy caller never hammers a throttled API: request and token
 * budgets (token buckets) and adaptive concurrency (AIMD: halve on 429, +1 per window).
 */
export class RateLimiter {
  private readonly requests: TokenBucket | null;
  private readonly tokens: TokenBucket | null;
  private readonly max: number;
  private readonly min: number;
  private readonly adaptive: boolean;
  private limit: number;
  private inFlight = 0;
  private successesSinceChange = 0;
  private readonly waiting: (() => void)[] = [];
  /** The server's own count of requests left this minute (x-ratelimit-* headers), if it says. */
  private serverRemaining: number | null = null;
  private serverLimit: number | null = null;

  constructor(
    options: RateLimitOptions = {},
    private readonly clock: Clock = realClock,
  ) {
    this.max = options.maxConcurrency ?? 16;
    this.min = Math.min(options.minConcurrency ?? 1, this.max);
    this.adaptive = options.adaptive ?? true;
    this.limit = this.max;
    this.requests = options.requestsPerSecond
      ? new TokenBucket(options.requestsPerSecond, options.requestsPerSecond / 1000, clock)
      : null;
    this.tokens = options.tokensPerMinute
      ? new TokenBucket(options.tokensPerMinute, options.tokensPerMinute / 60_000, clock)
      : null;
  }

  /** Current concurrency limit (for metrics and tests). */
  get concurrency(): number {
    return this.limit;
  }

  get active(): number {
    return this.inFlight;
  }

  /**
   * The server's budget as its headers state it. When the requests in flight would use up what
   * is left this minute, new ones are spaced out (one per minute / limit) instead of running
   * into 429s.
   */
  observe(snapshot: RateLimitSnapshot): void {
    if (snapshot.requestsRemaining !== null) this.serverRemaining = snapshot.requestsRemaining;
    if (snapshot.requestsLimit !== null) this.serverLimit = snapshot.requestsLimit;
  }

  /** Waits for a slot and for budget; call the returned function with the outcome when done. */
  async acquire(estimatedTokens = 0, signal?: AbortSignal): Promise<(outcome: Outcome) => void> {
    while (this.inFlight >= this.limit) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
      signal?.throwIfAborted();
    }
    if (this.serverRemaining !== null && this.serverRemaining <= this.inFlight) {
      const spacing = 60_000 / Math.max(1, this.serverLimit ?? 60);
      this.serverRemaining = null; // the next answer says again
      await this.clock.sleep(spacing, signal);
    }
    this.inFlight++;
    try {
      for (;;) {
        const wait = Math.max(this.requests?.take(1) ?? 0, 0);
        if (wait > 0) {
          await this.clock.sleep(wait, signal);
          continue;
        }
        const tokenWait = estimatedTokens > 0 ? (this.tokens?.take(estimatedTokens) ?? 0) : 0;
        if (tokenWait > 0) {
          await this.clock.sleep(tokenWait, signal);
          continue;
        }
        break;
      }
    } catch (error) {
      this.release();
      throw error;
    }
    let released = false;
    return (outcome) => {
      if (released) return;
      released = true;
      this.record(outcome);
      this.release();
    };
  }

  private record(outcome: Outcome): void {
    if (!this.adaptive) return;
    if (outcome === 'throttled') {
      this.limit = Math.max(this.min, Math.floor(this.limit / 2));
      this.successesSinceChange = 0;
    } else if (outcome === 'ok' && this.limit < this.max) {
      if (++this.successesSinceChange >= this.limit) {
        this.limit++;
        this.successesSinceChange = 0;
      }
    }
  }

  private release(): void {
    this.inFlight--;
    // Woken waiters re-check the limit, so waking one too many is harmless.
    for (let free = this.limit - this.inFlight; free > 0 && this.waiting.length > 0; free--) {
      this.waiting.shift()?.();
    }
  }
}
