import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { type Explanation, getExplanation } from '../api/explanations';
import { queryKeys } from './query-keys';

/** The flag's stored explanation (null before one was asked for), and a way to replace it. */
export function useExplanation(flagId: string) {
  const client = useQueryClient();
  const stored = useQuery({
    queryKey: queryKeys.explanation(flagId),
    queryFn: () => getExplanation(flagId),
  });
  const replace = useCallback(
    (explanation: Explanation) => client.setQueryData(queryKeys.explanation(flagId), explanation),
    [client, flagId],
  );
  return { stored, replace };
}
