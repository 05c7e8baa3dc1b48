import type { PolicyDraftInput } from '@sieve/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  createDraft,
  discardDraft,
  getBacktestData,
  getBacktestSamples,
  listPolicies,
  publishDraft,
  rollbackTo,
  saveDraft,
  getShadowReport,
  setShadow,
  evaluateCustomCategory,
  listEvaluations,
  getJudgingStatus,
} from '../api/policies';
import { queryKeys } from './query-keys';

export function usePolicies() {
  return useQuery({ queryKey: queryKeys.policies, queryFn: listPolicies });
}

export function useBacktestData(from: string, to: string, enabled: boolean) {
  return useQuery({
    queryKey: queryKeys.backtest(from, to),
    queryFn: () => getBacktestData(from, to),
    enabled,
    staleTime: 10_000,
    refetchInterval: 30_000,
  });
}

/** The recent events a draft would change, asked for on demand. */
export function useBacktestSamples() {
  return useMutation({ mutationFn: getBacktestSamples });
}

/** The shadow comparison, refreshed every 5 s while it runs. */
export function useShadowReport(version: number, running: boolean) {
  return useQuery({
    queryKey: queryKeys.shadow(version),
    queryFn: () => getShadowReport(version),
    refetchInterval: running ? 5_000 : false,
  });
}

/** Every policy write refreshes the version list (and the system info's live version). */
export function usePolicyActions() {
  const client = useQueryClient();
  const refresh = () =>
    Promise.all([
      client.invalidateQueries({ queryKey: queryKeys.policies }),
      client.invalidateQueries({ queryKey: queryKeys.system }),
    ]);
  return {
    create: useMutation({
      mutationFn: (basedOn?: number) => createDraft(basedOn),
      onSuccess: refresh,
    }),
    save: useMutation({
      mutationFn: ({ version, input }: { version: number; input: PolicyDraftInput }) =>
        saveDraft(version, input),
      onSuccess: refresh,
    }),
    discard: useMutation({ mutationFn: discardDraft, onSuccess: refresh }),
    publish: useMutation({
      mutationFn: ({ version, note }: { version: number; note: string }) =>
        publishDraft(version, note),
      onSuccess: refresh,
    }),
    shadow: useMutation({
      mutationFn: ({ version, enabled }: { version: number; enabled: boolean }) =>
        setShadow(version, enabled),
      onSuccess: () =>
        Promise.all([refresh(), client.invalidateQueries({ queryKey: queryKeys.allShadows })]),
    }),
    rollback: useMutation({
      mutationFn: ({ version, note }: { version: number; note: string }) =>
        rollbackTo(version, note),
      onSuccess: refresh,
    }),
  };
}

/** A custom category's evaluations (every rule version), newest first; polled while one runs. */
export function useEvaluations(name: string) {
  return useQuery({
    queryKey: queryKeys.evaluations(name),
    queryFn: () => listEvaluations(name),
    refetchInterval: (query) =>
      query.state.data?.some((e) => e.status === 'running') ? 5_000 : false,
  });
}

/** Judges the category's evaluation set now; the list shows the result. */
export function useEvaluate() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({
      version,
      name,
      viaBatchApi,
    }: {
      version: number;
      name: string;
      viaBatchApi?: boolean;
    }) => evaluateCustomCategory(version, name, viaBatchApi),
    onSuccess: (_, { name }) =>
      Promise.all([
        client.invalidateQueries({ queryKey: queryKeys.evaluations(name) }),
        client.invalidateQueries({ queryKey: queryKeys.judging }),
      ]),
  });
}

/** The judge, its spend against the day's budget, and its backlog (every 15 s). */
export function useJudgingStatus() {
  return useQuery({
    queryKey: queryKeys.judging,
    queryFn: getJudgingStatus,
    refetchInterval: 15_000,
  });
}
