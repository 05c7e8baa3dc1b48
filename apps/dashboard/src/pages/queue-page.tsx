import { Link, useSearchParams } from 'react-router-dom';
import { FLAG_STATUSES, type FlagFilters, type FlagStatus } from '../api/flags';
import { CategoryChips } from '../components/category-chips';
import { timeAgo } from '../components/format';
import { StatusBadge } from '../components/status-badge';
import { useFlagQueue } from '../hooks/use-flags';
import { useSystemInfo } from '../hooks/use-system';

export function QueuePage() {
  const [params, setParams] = useSearchParams();
  const filters: FlagFilters = {
    status: (params.get('status') as FlagStatus | null) ?? undefined,
    category: params.get('category') ?? undefined,
  };
  const system = useSystemInfo();
  const queue = useFlagQueue(filters);
  const flags = queue.data?.pages.flatMap((p) => p.items) ?? [];

  const setFilter = (name: keyof FlagFilters, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };

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
        </div>
      </header>

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
              <th>Post</th>
              <th>Categories</th>
              <th>Source</th>
              <th>Status</th>
              <th>Flagged</th>
            </tr>
          </thead>
          <tbody>
            {flags.map((flag) => (
              <tr key={flag.id} className={flag.autoDecision === 'block' ? 'row-block' : undefined}>
                <td className="post">
                  <Link to={`/flags/${flag.id}`} className="post-link">
                    {flag.event.text}
                  </Link>
                  <span className="muted small">
                    by {flag.event.authorId}
                    {flag.event.lang ? ` · ${flag.event.lang}` : ''}
                  </span>
                </td>
                <td>
                  <CategoryChips triggered={flag.triggered} />
                </td>
                <td>{flag.event.source}</td>
                <td>
                  <StatusBadge status={flag.status} />
                </td>
                <td className="muted" title={flag.createdAt}>
                  {timeAgo(flag.createdAt)}
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
    </section>
  );
}
