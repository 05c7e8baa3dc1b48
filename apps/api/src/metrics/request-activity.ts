import { Injectable } from '@nestjs/common';

/** How long after a request the api counts as in use by people or platforms. */
const BUSY_FOR_MS = 2000;

/** Health checks and metric scrapes come all day from machines; they say nothing of use. */
const MONITORING = /^\/(api\/health|metrics)(\/|$)/;

/**
 * Whether the api is serving requests now, so that background work (the wave grouping) takes
 * small steps while reviewers wait on it: a backlog should not make their dashboards slow.
 */
@Injectable()
export class RequestActivity {
  private lastRequestAt = -Infinity;

  seen(path: string, now = Date.now()): void {
    if (!MONITORING.test(path)) this.lastRequestAt = now;
  }

  busy(now = Date.now()): boolean {
    return now - this.lastRequestAt < BUSY_FOR_MS;
  }
}
