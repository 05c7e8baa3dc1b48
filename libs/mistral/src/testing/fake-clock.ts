import type { Clock } from '../lib/rate-limiter';

/** A clock whose sleeps return at once and move time forward, so retry tests need no real waits. */
export class FakeClock implements Clock {
  readonly sleeps: number[] = [];
  constructor(private time = 1_700_000_000_000) {}

  now(): number {
    return this.time;
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    this.sleeps.push(ms);
    this.time += ms;
  }

  advance(ms: number): void {
    this.time += ms;
  }
}
