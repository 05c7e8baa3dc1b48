import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  editStatement,
  finalizeStatement,
  listStatements,
  statementBacklog,
} from '../api/statements';
import { queryKeys } from './query-keys';

/** Refreshed every 5 s: a removal's draft appears a moment after the decision. */
export function useStatements(flagId: string) {
  return useQuery({
    queryKey: queryKeys.statements(flagId),
    queryFn: () => listStatements(flagId),
    refetchInterval: 5_000,
  });
}

export function useStatementBacklog() {
  return useQuery({ queryKey: queryKeys.statementBacklog, queryFn: statementBacklog });
}

export function useEditStatement(flagId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, facts }: { id: string; facts: string }) => editStatement(id, facts),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.statements(flagId) }),
  });
}

export function useFinalizeStatement(flagId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => finalizeStatement(id),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.statements(flagId) }),
  });
}
