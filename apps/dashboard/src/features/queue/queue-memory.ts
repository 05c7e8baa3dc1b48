import { nextFlag } from '../../api/flags';
import { filtersFromParams } from './use-queue-filters';

const KEY = 'sieve.queue';

/**
 * The queue a reviewer works from (its address, e.g. `?category=pii`), kept for this tab, so
 * the item view's "next item" follows the same filters and order, and going back restores them.
 */
export const queueMemory = {
  remember(search: string): void {
    sessionStorage.setItem(KEY, search);
  },
  /** The queue's address, `/` plus its filters. */
  path(): string {
    return `/${sessionStorage.getItem(KEY) ?? ''}`;
  },
  /**
   * The next flag to open after `currentId` in that queue: its order (the queue's own unless the
   * reviewer chose another), flags waiting there that nobody holds.
   * The api claims it for this reviewer in the same step, so two reviewers never get the same.
   */
  async next(currentId: string): Promise<string | null> {
    const params = new URLSearchParams(sessionStorage.getItem(KEY) ?? '');
    const filters = filtersFromParams(params);
    // No order chosen: the queue's own (oldest, severity or priority).
    if (!params.has('sort')) filters.sort = undefined;
    // In a queue, whatever waits there (the senior queue's items are escalated); else open ones.
    const status =
      filters.status === 'escalated' ? 'escalated' : filters.queue ? undefined : 'open';
    const next = await nextFlag({ ...filters, status }, currentId || undefined);
    return next.flagId;
  },
};
