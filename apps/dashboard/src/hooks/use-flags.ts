import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { getFlag, getFlagContext, getFlagCounts, listFlags, type FlagFilters } from '../api/flags';
import { config } from '../config';
import { queryKeys } from './query-keys';

/** The queue, newest first; live events (useFlagEvents) refresh it, with a slow interval as a safety net. */
export function useFlagQueue(filters: FlagFilters) {
  return useInfiniteQuery({
    queryKey: queryKeys.flags(filters),
    queryFn: ({ pageParam }) => listFlags(filters, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: config.queueRefreshMs || false,
  });
}

export function useFlag(id: string) {
  return useQuery({ queryKey: queryKeys.flag(id), queryFn: () => getFlag(id) });
}

/** Per-status counts for the queue's filters (status and sort do not change them). */
export function useFlagCounts(filters: FlagFilters) {
  const { status: _status, sort: _sort, ...rest } = filters;
  return useQuery({
    queryKey: queryKeys.flagCounts(rest),
    queryFn: () => getFlagCounts(rest),
    refetchInterval: config.queueRefreshMs || false,
  });
}

/** The author's other recent posts and how similar posts were decided. */
export function useFlagContext(id: string) {
  return useQuery({ queryKey: queryKeys.flagContext(id), queryFn: () => getFlagContext(id) });
}
