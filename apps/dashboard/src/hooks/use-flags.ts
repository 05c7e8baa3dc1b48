import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { getFlag, listFlags, type FlagFilters } from '../api/flags';
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
