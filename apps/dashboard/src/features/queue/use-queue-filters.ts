import type { FlagFilters, FlagSort, FlagStatus, FlagWindow } from '../../api/flags';
import { useAddressParams } from '../../hooks/use-address-params';

export type FilterName = keyof FlagFilters | 'minScore';

/** What the queue shows with nothing in the address: the work to do, the longest-waiting first. */
export const DEFAULT_STATUS: FlagStatus = 'open';
export const DEFAULT_SORT: FlagSort = 'oldest';
/** `status=all` in the address: every status. */
export const ALL_STATUSES = 'all';

/** The queue's filters from its address (`?status=…&category=…`), defaults applied. */
export function filtersFromParams(params: URLSearchParams): FlagFilters {
  const status = params.get('status');
  const minScore = params.get('minScore');
  return {
    queue: params.get('queue') ?? undefined,
    status: status === ALL_STATUSES ? undefined : ((status as FlagStatus | null) ?? DEFAULT_STATUS),
    category: params.get('category') ?? undefined,
    source: params.get('source') ?? undefined,
    authorId: params.get('authorId') ?? undefined,
    lang: params.get('lang') ?? undefined,
    since: (params.get('since') as FlagWindow | null) ?? undefined,
    q: params.get('q') ?? undefined,
    minScore: minScore ? Number(minScore) : undefined,
    sort: (params.get('sort') as FlagSort | null) ?? DEFAULT_SORT,
  };
}

/** The queue's filters live in the address, so a view can be shared, saved and gone back to. */
export function useQueueFilters() {
  const [params, changeParams] = useAddressParams();
  const filters = filtersFromParams(params);
  // What a saved view keeps: the filters in the address, in a stable order.
  const viewQuery = new URLSearchParams(
    [...params].sort(([a], [b]) => a.localeCompare(b)),
  ).toString();

  /**
   * Each change is a step in the browser's history (Back undoes it); `replace` for changes that
   * are not worth a step.
   */
  const setFilters = (
    values: Partial<Record<FilterName, string>>,
    { replace = false }: { replace?: boolean } = {},
  ) =>
    changeParams(
      (next) => {
        for (const [name, value] of Object.entries(values)) {
          const isDefault =
            (name === 'status' && value === DEFAULT_STATUS) ||
            (name === 'sort' && value === DEFAULT_SORT);
          if (value && !isDefault) next.set(name, value);
          else next.delete(name);
        }
      },
      { replace },
    );
  const clearFilters = () =>
    changeParams((next) => {
      for (const key of [...next.keys()]) next.delete(key);
    });
  const hasFilters = [...params.keys()].length > 0;

  return {
    filters,
    minScore: params.get('minScore'),
    viewQuery,
    setFilters,
    clearFilters,
    hasFilters,
  };
}
