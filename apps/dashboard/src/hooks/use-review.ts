import { type QueryClient, useMutation, useQueryClient } from '@tanstack/react-query';
import { queryKeys } from './query-keys';
import {
  addNote,
  bulkDecide,
  claimFlag,
  decideFlag,
  undoDecision,
  type Decision,
} from '../api/flags';

/** After a review action: the flag itself, and the queue's lists and counts. */
function refreshAfterReview(client: QueryClient, ids: string[]) {
  return Promise.all([
    client.invalidateQueries({ queryKey: queryKeys.flagLists }),
    client.invalidateQueries({ queryKey: queryKeys.allFlagCounts }),
    ...ids.map((id) => client.invalidateQueries({ queryKey: queryKeys.flag(id), exact: true })),
  ]);
}

/** Review actions; each refreshes the flag and the queue so every view shows the new state. */
export function useReviewActions(id: string) {
  const client = useQueryClient();
  const refresh = () => refreshAfterReview(client, [id]);
  return {
    claim: useMutation({ mutationFn: () => claimFlag(id), onSettled: refresh }),
    decide: useMutation({
      mutationFn: (decision: Decision) => decideFlag(id, decision),
      onSettled: refresh,
    }),
    undo: useMutation({ mutationFn: () => undoDecision(id), onSettled: refresh }),
    note: useMutation({ mutationFn: (text: string) => addNote(id, text), onSettled: refresh }),
  };
}

export function useBulkDecide() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ ids, decision }: { ids: string[]; decision: Decision }) =>
      bulkDecide(ids, decision),
    onSettled: (_result, _error, { ids }) => refreshAfterReview(client, ids),
  });
}
