import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  addNote,
  bulkDecide,
  claimFlag,
  decideFlag,
  undoDecision,
  type Decision,
} from '../api/flags';

/** Review actions; each refreshes the flag and the queue so every view shows the new state. */
export function useReviewActions(id: string) {
  const client = useQueryClient();
  const refresh = () => client.invalidateQueries({ queryKey: ['flags'] });
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
    onSettled: () => client.invalidateQueries({ queryKey: ['flags'] }),
  });
}
