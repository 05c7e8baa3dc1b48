import { useState } from 'react';
import { Link, useLocation, useNavigate, useSearchParams } from 'react-router-dom';
import { hasRole } from '../api/auth';
import {
  FLAG_SORTS,
  FLAG_STATUSES,
  FLAG_WINDOWS,
  type FlagFilters,
  type FlagWindow,
  type FlagSort,
  type FlagStatus,
} from '../api/flags';
import { CategoryChips } from '../components/category-chips';
import { DecisionPanel } from '../components/decision-panel';
import { timeAgo } from '../components/format';
import { SavedViews } from '../components/saved-views';
import { StatusBadge } from '../components/status-badge';
import { useFlagCounts, useFlagQueue } from '../hooks/use-flags';
import { useHotkeys } from '../hooks/use-hotkeys';
import { useNow } from '../hooks/use-now';
import { useBulkDecide } from '../hooks/use-review';
import { useSession } from '../hooks/use-session';
import { useSystemInfo } from '../hooks/use-system';

const WINDOW_LABELS: Record<FlagWindow, string> = {
  '1h': 'hour',
  '24h': '24 hours',
  '7d': '7 days',
};

export function QueuePage() {
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const location = useLocation();
  const minScore = params.get('minScore');
  const filters: FlagFilters = {
    status: (params.get('status') as FlagStatus | null) ?? undefined,
    category: params.get('category') ?? undefined,
    source: params.get('source') ?? undefined,
    authorId: params.get('authorId') ?? undefined,
    lang: params.get('lang') ?? undefined,
    since: (params.get('since') as FlagWindow | null) ?? undefined,
    q: params.get('q') ?? undefined,
    minScore: minScore ? Number(minScore) : undefined,
    sort: (params.get('sort') as FlagSort | null) ?? undefined,
  };
  // What a saved view keeps: the filters in the address, in a stable order.
  const viewQuery = new URLSearchParams(
    [...params].sort(([a], [b]) => a.localeCompare(b)),
  ).toString();
  const system = useSystemInfo();
  const session = useSession();
  const queue = useFlagQueue(filters);
  const counts = useFlagCounts(filters);
  const slaMs = (system.data?.review.slaMinutes ?? 60) * 60_000;
  const now = useNow();
  const overdue = (createdAt: string) => now - Date.parse(createdAt) > slaMs;
  const bulk = useBulkDecide();
  const flags = queue.data?.pages.flatMap((p) => p.items) ?? [];
  const [cursorIndex, setCursor] = useState(0);
  // The list can shrink under the cursor (decided elsewhere): keep it on a real row.
  const cursor = Math.min(cursorIndex, Math.max(0, flags.length - 1));
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const canReview = hasRole(session.data?.user.role ?? 'viewer', 'reviewer');
  const me = session.data?.user.id;
  const queueEmpty = (location.state as { queueEmpty?: boolean } | null)?.queueEmpty;

  const setFilter = (name: keyof FlagFilters | 'minScore', value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
    setCursor(0);
  };
  const toggle = (id: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  // With a selection, Enter belongs to the bulk decision panel instead of opening the row.
  const bulkMode = selected.size > 0;
  useHotkeys({
    j: () => setCursor(Math.min(cursor + 1, flags.length - 1)),
    k: () => setCursor(Math.max(cursor - 1, 0)),
    x: () => {
      if (flags[cursor] && canReview) toggle(flags[cursor].id);
    },
  });
  useHotkeys(
    {
      Enter: () => {
        if (flags[cursor]) void navigate(`/flags/${flags[cursor].id}`);
      },
    },
    !bulkMode,
  );

  return (
    <section>
      <header className="page-header">
        <h1>Review queue</h1>
        <div className="filters">
          <label>
            Status
            <select
              value={filters.status ?? ''}
              onChange={(e) => setFilter('status', e.target.value)}
            >
              <option value="">All</option>
              {FLAG_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s}
                  {counts.data ? ` (${counts.data[s]})` : ''}
                </option>
              ))}
            </select>
          </label>
          <label>
            Category
            <select
              value={filters.category ?? ''}
              onChange={(e) => setFilter('category', e.target.value)}
            >
              <option value="">All</option>
              {system.data?.categories.map((c) => (
                <option key={c.name} value={c.name}>
                  {c.label}
                </option>
              ))}
            </select>
          </label>
          <label>
            Min score
            <select value={minScore ?? ''} onChange={(e) => setFilter('minScore', e.target.value)}>
              <option value="">Any</option>
              <option value="0.5">50%+</option>
              <option value="0.7">70%+</option>
              <option value="0.9">90%+</option>
            </select>
          </label>
          <label>
            Flagged
            <select
              value={filters.since ?? ''}
              onChange={(e) => setFilter('since', e.target.value)}
            >
              <option value="">any time</option>
              {Object.keys(FLAG_WINDOWS).map((w) => (
                <option key={w} value={w}>
                  in the last {WINDOW_LABELS[w as FlagWindow]}
                </option>
              ))}
            </select>
          </label>
          <label>
            Sort
            <select
              value={filters.sort ?? 'newest'}
              onChange={(e) => setFilter('sort', e.target.value === 'newest' ? '' : e.target.value)}
            >
              {FLAG_SORTS.map((s) => (
                <option key={s} value={s}>
                  {s === 'severity' ? 'most severe' : s}
                </option>
              ))}
            </select>
          </label>
        </div>
      </header>
      <SavedViews query={viewQuery} />
      <form
        className="search-bar"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          const data = new FormData(e.currentTarget);
          const next = new URLSearchParams(params);
          for (const key of ['q', 'source', 'authorId', 'lang']) {
            const value = String(data.get(key) ?? '').trim();
            if (value) next.set(key, value);
            else next.delete(key);
          }
          setParams(next, { replace: true });
          setCursor(0);
        }}
      >
        <input
          name="q"
          aria-label="Search posts"
          placeholder="Search post text"
          defaultValue={filters.q}
        />
        <input
          name="source"
          aria-label="Source"
          placeholder="Source"
          defaultValue={filters.source}
        />
        <input
          name="authorId"
          aria-label="Author"
          placeholder="Author id"
          defaultValue={filters.authorId}
          key={`author-${filters.authorId ?? ''}`}
        />
        <input
          name="lang"
          aria-label="Language"
          placeholder="Language"
          defaultValue={filters.lang}
          size={8}
        />
        <button type="submit">Filter</button>
      </form>
      {counts.data?.oldestWaitingAt && (
        <p
          className={`queue-age ${overdue(counts.data.oldestWaitingAt) ? 'overdue' : ''}`}
          data-testid="queue-age"
        >
          {counts.data.open + counts.data.claimed + counts.data.escalated} waiting · oldest flagged{' '}
          {timeAgo(counts.data.oldestWaitingAt, now)}
          {overdue(counts.data.oldestWaitingAt) &&
            ` — over the ${system.data?.review.slaMinutes ?? 60} min target`}
        </p>
      )}

      {queueEmpty && (
        <p className="muted" role="status">
          No more open flags. Well done.
        </p>
      )}
      {selected.size > 0 && (
        <div className="bulk-bar" data-testid="bulk-bar">
          <strong>{selected.size} selected</strong> — decide them all, or <kbd>x</kbd> to change the
          selection.
          <button className="link-button" onClick={() => setSelected(new Set())}>
            Clear
          </button>
          <DecisionPanel
            title="Decide the selected flags"
            busy={bulk.isPending}
            onDecide={(decision) =>
              bulk.mutate(
                { ids: [...selected], decision },
                { onSuccess: () => setSelected(new Set()) },
              )
            }
          />
        </div>
      )}
      {bulk.data && (
        <p role="status" className="muted">
          {bulk.data.filter((r) => r.outcome === 'decided').length} decided
          {bulk.data.some((r) => r.outcome !== 'decided') &&
            `, ${bulk.data.filter((r) => r.outcome !== 'decided').length} skipped (held by someone else, already decided or not yours to decide)`}
        </p>
      )}
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
        <table className="queue" data-testid="queue">
          <thead>
            <tr>
              {canReview && <th aria-label="Selected" className="select-col" />}
              <th>Post</th>
              <th>Categories</th>
              <th>Source</th>
              <th>Status</th>
              <th>Flagged</th>
            </tr>
          </thead>
          <tbody>
            {flags.map((flag, index) => (
              <tr
                key={flag.id}
                className={[
                  flag.autoDecision === 'block' ? 'row-block' : '',
                  index === cursor ? 'row-cursor' : '',
                ].join(' ')}
                aria-current={index === cursor ? 'true' : undefined}
              >
                {canReview && (
                  <td className="select-col">
                    <input
                      type="checkbox"
                      aria-label="Select"
                      checked={selected.has(flag.id)}
                      onChange={() => toggle(flag.id)}
                    />
                  </td>
                )}
                <td className="post">
                  <Link to={`/flags/${flag.id}`} className="post-link">
                    {flag.event.text}
                  </Link>
                  <span className="muted small">
                    by{' '}
                    <button
                      type="button"
                      className="link-button"
                      title="Only this author's flags"
                      onClick={() => setFilter('authorId', flag.event.authorId)}
                    >
                      {flag.event.authorId}
                    </button>
                    {flag.event.lang ? ` · ${flag.event.lang}` : ''}
                  </span>
                </td>
                <td>
                  <CategoryChips triggered={flag.triggered} />
                </td>
                <td>{flag.event.source}</td>
                <td>
                  <StatusBadge status={flag.status} />
                  {flag.claim && (
                    <span
                      className={`claim-mark ${flag.claim.userId === me ? 'mine' : ''}`}
                      title={`until ${flag.claim.expiresAt}`}
                    >
                      {flag.claim.userId === me ? 'You' : flag.claim.displayName}
                    </span>
                  )}
                </td>
                <td className="muted" title={flag.createdAt}>
                  {timeAgo(flag.createdAt, now)}
                  {flag.status !== 'decided' && overdue(flag.createdAt) && (
                    <span className="overdue-mark">overdue</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
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
