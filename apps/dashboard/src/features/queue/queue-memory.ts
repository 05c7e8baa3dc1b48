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
   * The next flag to open after `currentId` in that queue: its order (oldest first unless the
   * reviewer chose another), open flags nobody holds (or the senior queue, if that is the one).
   * The api claims it for this reviewer in the same step, so two reviewers never get the same.
   */
  async next(currentId: string): Promise<string | null> {
    const filters = filtersFromParams(new URLSearchParams(sessionStorage.getItem(KEY) ?? ''));
    const status = filters.status === 'escalated' ? 'escalated' : 'open';
    const next = await nextFlag({ ...filters, status }, currentId || undefined);
    return next.flagId;
  },
};
