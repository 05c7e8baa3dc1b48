import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { AppealDecisionInput } from '@sieve/contracts';
import {
  type AppealStatus,
  countAppeals,
  decideAppeal,
  listAppeals,
  listFlagAppeals,
} from '../api/appeals';
import { queryKeys } from './query-keys';

export function useAppeals(status: AppealStatus) {
  return useInfiniteQuery({
    queryKey: queryKeys.appeals(status),
    queryFn: ({ pageParam }) => listAppeals(status, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: 30_000,
  });
}

export function useOpenAppealCount(enabled: boolean) {
  return useQuery({
    queryKey: queryKeys.appealCount,
    queryFn: countAppeals,
    enabled,
    refetchInterval: 30_000,
  });
}

export function useFlagAppeals(flagId: string) {
  return useQuery({
    queryKey: queryKeys.flagAppeals(flagId),
    queryFn: () => listFlagAppeals(flagId),
  });
}

export function useDecideAppeal() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, input }: { id: string; input: AppealDecisionInput }) =>
      decideAppeal(id, input),
    onSuccess: (appeal) => {
      void client.invalidateQueries({ queryKey: queryKeys.allAppeals });
      void client.invalidateQueries({ queryKey: queryKeys.flag(appeal.flagId) });
    },
  });
}
