import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { config } from '../config';
import { decideWave, excludeWaveMember, findSimilarPosts, getWave, listWaves } from '../api/waves';
import { queryKeys } from './query-keys';

export function useWaves(enabled = true) {
  return useQuery({
    queryKey: queryKeys.waves,
    queryFn: listWaves,
    enabled,
    refetchInterval: config.queueRefreshMs || false,
  });
}

export function useWave(id: string) {
  return useQuery({ queryKey: queryKeys.wave(id), queryFn: () => getWave(id) });
}

export function useDecideWave(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: Parameters<typeof decideWave>[1]) => decideWave(id, input),
    onSettled: () => client.invalidateQueries({ queryKey: queryKeys.flagLists }),
  });
}

export function useExcludeWaveMember(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (flagId: string) => excludeWaveMember(id, flagId),
    onSettled: () => client.invalidateQueries({ queryKey: queryKeys.flagLists }),
  });
}

export function useSimilarPosts(like: { text?: string; flagId?: string }) {
  return useQuery({
    queryKey: queryKeys.similarPosts(like),
    queryFn: () => findSimilarPosts(like),
    enabled: !!(like.text || like.flagId),
    retry: false,
  });
}
