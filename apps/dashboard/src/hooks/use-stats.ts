import { useQuery } from '@tanstack/react-query';
import { getStats } from '../api/stats';
import { queryKeys } from './query-keys';

/** A 14-day aggregation: refreshed every minute, never by live flag events. */
const STATS_REFRESH_MS = 60_000;

export function useStats(days: number) {
  return useQuery({
    queryKey: queryKeys.stats(days),
    queryFn: () => getStats(days),
    staleTime: STATS_REFRESH_MS,
    refetchInterval: STATS_REFRESH_MS,
  });
}
