import { useEffect } from 'react';
import { Link, useLocation, useNavigate } from 'react-router-dom';
import { hasRole } from '../api/auth';
import { SavedViews } from '../components/saved-views';
import { BulkBar } from '../features/queue/bulk-bar';
import { QueueAge } from '../features/queue/queue-age';
import { QueueFilters } from '../features/queue/queue-filters';
import { queueMemory } from '../features/queue/queue-memory';
import { QueueSearch } from '../features/queue/queue-search';
import { QueueTable } from '../features/queue/queue-table';
import { QueueTabs } from '../features/queue/queue-tabs';
import { useHeldArrivals } from '../features/queue/use-held-arrivals';
import { type FilterName, useQueueFilters } from '../features/queue/use-queue-filters';
import { useQueueKeyboard } from '../features/queue/use-queue-keyboard';
import { useFlagQueue } from '../hooks/use-flags';
import { useNow } from '../hooks/use-now';
import { useQueues } from '../hooks/use-queues';
import { useSession } from '../hooks/use-session';
import { useSystemInfo } from '../hooks/use-system';
import { useWaves } from '../hooks/use-waves';
import { WaveRows } from '../features/waves/wave-rows';

interface QueueState {
  queueEmpty?: boolean;
  /** The flag the reviewer came back from: the cursor rests on it again. */
  cursorId?: string;
}

export function QueuePage() {
  const location = useLocation();
  const navigate = useNavigate();
  const system = useSystemInfo();
  const session = useSession();
  const now = useNow();
  const canReview = hasRole(session.data?.user.role ?? 'viewer', 'reviewer');
  const { filters, minScore, viewQuery, setFilters, clearFilters, hasFilters } = useQueueFilters();
  useEffect(() => queueMemory.remember(location.search), [location.search]);
  // Without filters, members of open waves are left out: each wave is one row above the list.
  const collapseWaves = !hasFilters && filters.status !== 'decided';
  const queue = useFlagQueue(collapseWaves ? { ...filters, collapseWaves } : filters);
  const waves = useWaves(collapseWaves);
  const queues = useQueues(canReview);
  const current = queues.data?.find((q) => q.id === filters.queue);
  const arrivals = useHeldArrivals(
    queue.data?.pages.flatMap((p) => p.items) ?? [],
    location.search,
  );
  const flags = arrivals.shown;
  const state = (location.state as QueueState | null) ?? {};
  const keyboard = useQueueKeyboard(flags, canReview, state.cursorId ?? null);
  /** New filters, a new list: the cursor goes back to its first row. */
  const applyFilters = (values: Parameters<typeof setFilters>[0]) => {
    setFilters(values);
    keyboard.resetCursor();
  };
  const setFilter = (name: FilterName, value: string) => applyFilters({ [name]: value });
  const startReviewing = async () => {
    const next = await queueMemory.next('');
    void navigate(
      next ? `/flags/${next}` : '/',
      next ? undefined : { state: { queueEmpty: true } },
    );
  };

  const slaMinutes = current?.slaMinutes ?? system.data?.review.slaMinutes ?? 60;
  /** Past its queue's target (the row's own queue when several are shown). */
  const isOverdue = (createdAt: string, queueId?: string) => {
    const target = queues.data?.find((q) => q.id === queueId)?.slaMinutes ?? slaMinutes;
    return now - Date.parse(createdAt) > target * 60_000;
  };

  return (
    <section>
      <header className="page-header">
        <h1>{current ? current.name : 'Review queue'}</h1>
        {canReview && (
          <button className="primary" onClick={() => void startReviewing()}>
            Start reviewing
          </button>
        )}
        <p className="muted small hint" data-testid="queue-hint">
          <kbd>j</kbd>/<kbd>k</kbd> move · <kbd>Enter</kbd> open · <kbd>x</kbd> select ·{' '}
          <kbd>?</kbd> all shortcuts · <Link to="/similar">find posts like this</Link>
        </p>
      </header>
      <QueueTabs
        queues={queues.data ?? []}
        selected={filters.queue}
        select={(id) => setFilter('queue', id)}
        now={now}
      />
      {current?.description && <p className="muted">{current.description}</p>}
      <QueueFilters filters={filters} minScore={minScore} setFilter={setFilter} />
      <SavedViews query={viewQuery} />
      <QueueSearch filters={filters} setFilters={applyFilters} />
      {hasFilters && (
        <button
          className="link-button"
          onClick={() => {
            clearFilters();
            keyboard.resetCursor();
          }}
        >
          Clear filters
        </button>
      )}
      <QueueAge filters={filters} now={now} isOverdue={isOverdue} slaMinutes={slaMinutes} />
      {state.queueEmpty && (
        <p className="muted" role="status">
          No more open flags here. Well done.
        </p>
      )}
      <BulkBar
        selected={keyboard.selected}
        clear={keyboard.clearSelection}
        select={keyboard.select}
        cursorFlag={flags[keyboard.cursor]}
        rows={flags}
      />
      {queue.isError && (
        <p className="error" role="alert">
          {queue.error.message}
        </p>
      )}
      {queue.isPending && <p className="muted">Loading…</p>}
      {arrivals.held > 0 && (
        <button className="arrivals" onClick={arrivals.showHeld} data-testid="held-arrivals">
          {arrivals.held} new — show
        </button>
      )}
      {collapseWaves && <WaveRows waves={waves.data ?? []} now={now} />}
      {queue.isSuccess && flags.length === 0 && (
        <p className="empty">
          {collapseWaves && waves.data?.length
            ? 'Nothing else waits here: every open flag is in a wave above.'
            : 'No flags match. New flags appear here as the pipeline scores posts.'}
        </p>
      )}
      {flags.length > 0 && (
        <QueueTable
          flags={flags}
          cursor={keyboard.cursor}
          moveTo={keyboard.moveTo}
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
          {queue.isFetchingNextPage ? 'Loading…' : 'More flags'}
        </button>
      )}
    </section>
  );
}
