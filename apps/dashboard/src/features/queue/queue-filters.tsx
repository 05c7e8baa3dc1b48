import type { FlagCountsDto } from '@sieve/contracts';
import {
  FLAG_SORTS,
  FLAG_STATUSES,
  FLAG_WINDOWS,
  type FlagFilters,
  type FlagSort,
  type FlagStatus,
  type FlagWindow,
} from '../../api/flags';
import { useFlagCounts } from '../../hooks/use-flags';
import { useSystemInfo } from '../../hooks/use-system';
import { ALL_STATUSES, type FilterName } from './use-queue-filters';

const WINDOW_LABELS: Record<FlagWindow, string> = {
  '1h': 'hour',
  '24h': '24 hours',
  '7d': '7 days',
};

const SORT_LABELS: Record<FlagSort, string> = {
  oldest: 'longest waiting first',
  newest: 'newest first',
  severity: 'most severe first',
  repeat_offenders: 'repeat offenders first',
};

/** A status's count; filtered, the api stops counting decided flags at a limit ("10,000+"). */
function statusCount(counts: FlagCountsDto, status: FlagStatus): string {
  return status === 'decided' && counts.decidedAtLeast
    ? `${counts.decided.toLocaleString('en')}+`
    : String(counts[status]);
}

/** The queue's dropdown filters: status (with counts), category, score, window, order. */
export function QueueFilters({
  filters,
  minScore,
  setFilter,
}: {
  filters: FlagFilters;
  minScore: string | null;
  setFilter: (name: FilterName, value: string) => void;
}) {
  const system = useSystemInfo();
  const counts = useFlagCounts(filters);
  return (
    <div className="filters">
      <label>
        Status
        <select
          value={filters.status ?? ALL_STATUSES}
          onChange={(e) => setFilter('status', e.target.value)}
        >
          <option value={ALL_STATUSES}>All</option>
          {FLAG_STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
              {counts.data ? ` (${statusCount(counts.data, s)})` : ''}
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
        <select value={filters.since ?? ''} onChange={(e) => setFilter('since', e.target.value)}>
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
        <select value={filters.sort} onChange={(e) => setFilter('sort', e.target.value)}>
          {FLAG_SORTS.map((s) => (
            <option key={s} value={s}>
              {SORT_LABELS[s]}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
