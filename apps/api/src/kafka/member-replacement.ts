const FIRST_BACKOFF_MS = 500;

/**
 * When to replace a member of a consumer group that stopped for good: one that could not start,
 * or one kafkajs gave up on (a non-retriable error, such as a broker answering INVALID_REQUEST to
 * a SyncGroup during a rebalance). Left alone, the process would stay up consuming nothing until
 * someone restarted it. A new member starts after an exponential backoff, so a broker that refuses
 * every join is not hammered, and the backoff starts over once a member has joined. The one policy
 * for every consumer the api runs (content events, appeals).
 */
export class MemberReplacement {
  private attempts = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(
    private readonly maxBackoffMs: number,
    /** Told of each replacement as it is scheduled: to log it and count it. */
    private readonly onScheduled: (delayMs: number, attempt: number) => void = () => undefined,
  ) {}

  /** A member joined its group: the next replacement waits the shortest backoff again. */
  joined(): void {
    this.attempts = 0;
  }

  /**
   * Runs `replace` after the next backoff. A replacement already waiting is the one that runs,
   * and none runs after `stop()`.
   */
  schedule(replace: () => void): void {
    if (this.stopped || this.timer) return;
    this.attempts++;
    const delay = backoffDelay(this.attempts, this.maxBackoffMs);
    this.onScheduled(delay, this.attempts);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.stopped) replace();
    }, delay);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** Exponential backoff with jitter: half the ceiling plus up to half again. */
export function backoffDelay(attempt: number, maxMs: number): number {
  const ceiling = Math.min(maxMs, FIRST_BACKOFF_MS * 2 ** attempt);
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}
