import { useLocation } from 'react-router-dom';
import { hasRole } from '../api/auth';
import { SavedViews } from '../components/saved-views';
import { BulkBar } from '../features/queue/bulk-bar';
import { QueueAge } from '../features/queue/queue-age';
import { QueueFilters } from '../features/queue/queue-filters';
import { QueueSearch } from '../features/queue/queue-search';
import { QueueTable } from '../features/queue/queue-table';
import { type FilterName, useQueueFilters } from '../features/queue/use-queue-filters';
import { useQueueKeyboard } from '../features/queue/use-queue-keyboard';
import { useFlagQueue } from '../hooks/use-flags';
import { useNow } from '../hooks/use-now';
import { useSession } from '../hooks/use-session';
import { useSystemInfo } from '../hooks/use-system';

export function QueuePage() {
  const location = useLocation();
  const system = useSystemInfo();
  const session = useSession();
  const now = useNow();
  const canReview = hasRole(session.data?.user.role ?? 'viewer', 'reviewer');
  const { filters, minScore, viewQuery, setFilters } = useQueueFilters();
  const queue = useFlagQueue(filters);
  const flags = queue.data?.pages.flatMap((p) => p.items) ?? [];
  const keyboard = useQueueKeyboard(flags, canReview);
  /** New filters, a new list: the cursor goes back to its first row. */
  const applyFilters = (values: Parameters<typeof setFilters>[0]) => {
    setFilters(values);
    keyboard.resetCursor();
  };
  const setFilter = (name: FilterName, value: string) => applyFilters({ [name]: value });

  const slaMinutes = system.data?.review.slaMinutes ?? 60;
  const isOverdue = (createdAt: string) => now - Date.parse(createdAt) > slaMinutes * 60_000;
  const queueEmpty = (location.state as { queueEmpty?: boolean } | null)?.queueEmpty;

  return (
    <section>
      <header className="page-header">
        <h1>Review queue</h1>
        <QueueFilters filters={filters} minScore={minScore} setFilter={setFilter} />
      </header>
      <SavedViews query={viewQuery} />
      <QueueSearch filters={filters} setFilters={applyFilters} />
      <QueueAge filters={filters} now={now} isOverdue={isOverdue} slaMinutes={slaMinutes} />
      {queueEmpty && (
        <p className="muted" role="status">
          No more open flags. Well done.
        </p>
      )}
      <BulkBar selected={keyboard.selected} clear={keyboard.clearSelection} />
      {queue.isError && (
        <p className="error" role="alert">
          {queue.error.message}
        </p>
      )}
      {queue.isPending && <p className="muted">Loading…</p>}
      {queue.isSuccess && flags.length === 0 && (
        <p className="empty">No flags match. New flags appear here as the pipeline scores posts.</p>
      )}
      {flags.length > 0 && (
        <QueueTable
          flags={flags}
          cursor={keyboard.cursor}
          selected={keyboard.selected}
          toggle={keyboard.toggle}
          canSelect={canReview}
          me={session.data?.user.id}
          now={now}
          isOverdue={isOverdue}
          onAuthor={(authorId) => setFilter('authorId', authorId)}
        />
      )}
      {queue.hasNextPage && (
        <button
          className="more"
          onClick={() => void queue.fetchNextPage()}
          disabled={queue.isFetchingNextPage}
        >
          {queue.isFetchingNextPage ? 'Loading…' : 'Older flags'}
        </button>
      )}
      <p className="muted small hint">
        <kbd>j</kbd>/<kbd>k</kbd> move · <kbd>Enter</kbd> open · <kbd>x</kbd> select · <kbd>?</kbd>{' '}
        all shortcuts
      </p>
    </section>
  );
}
