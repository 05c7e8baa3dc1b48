import { useSearchParams } from 'react-router-dom';
import type { FlagFilters, FlagSort, FlagStatus, FlagWindow } from '../../api/flags';

export type FilterName = keyof FlagFilters | 'minScore';

/** The queue's filters live in the address, so a view can be shared, saved and gone back to. */
export function useQueueFilters() {
  const [params, setParams] = useSearchParams();
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

  const setFilters = (values: Partial<Record<FilterName, string>>) => {
    const next = new URLSearchParams(params);
    for (const [name, value] of Object.entries(values)) {
      if (value) next.set(name, value);
      else next.delete(name);
    }
    setParams(next, { replace: true });
  };

  return { filters, minScore, viewQuery, setFilters };
}
