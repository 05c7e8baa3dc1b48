import { useQuery } from '@tanstack/react-query';
import { getSystemInfo } from '../api/system';
import { queryKeys } from './query-keys';

export function useSystemInfo() {
  return useQuery({ queryKey: queryKeys.system, queryFn: getSystemInfo, staleTime: 60_000 });
}

/** Looks up a category's human label; falls back to its key for names the set does not know. */
export function useCategoryLabel(): (name: string) => string {
  const { data } = useSystemInfo();
  return (name) => data?.categories.find((c) => c.name === name)?.label ?? name;
}
