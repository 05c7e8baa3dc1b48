import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  assignFlag,
  createQueue,
  listQueues,
  moveFlag,
  previewRouting,
  publishRouting,
  queueMembers,
  queuePeople,
  type QueueInput,
  routingVersions,
  type RoutingInput,
  updateQueue,
} from '../api/queues';
import { queryKeys } from './query-keys';

/** The queues the signed-in person works in, with what waits; refreshed as the queue moves. */
export function useQueues(enabled = true) {
  return useQuery({
    queryKey: queryKeys.queues,
    queryFn: listQueues,
    enabled,
    refetchInterval: 15_000,
  });
}

export function useQueueMembers(id: string | null) {
  return useQuery({
    queryKey: queryKeys.queueMembers(id ?? ''),
    queryFn: () => queueMembers(id ?? ''),
    enabled: id !== null,
  });
}

export function useQueuePeople(enabled: boolean) {
  return useQuery({ queryKey: queryKeys.queuePeople, queryFn: queuePeople, enabled });
}

export function useRoutingVersions() {
  return useQuery({ queryKey: queryKeys.routing, queryFn: routingVersions });
}

export function useCreateQueue() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (queue: QueueInput & { id: string }) => createQueue(queue),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.queues }),
  });
}

export function useUpdateQueue() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...changes }: Partial<QueueInput> & { id: string }) =>
      updateQueue(id, changes),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.queues }),
  });
}

export const usePreviewRouting = () =>
  useMutation({ mutationFn: (routing: RoutingInput) => previewRouting(routing) });

export function usePublishRouting() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (routing: RoutingInput & { changeNote: string }) => publishRouting(routing),
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.routing }),
  });
}

/** Moving or assigning changes the flag and the queues' counts. */
export function useLeadActions(flagId: string) {
  const client = useQueryClient();
  const refresh = () =>
    Promise.all([
      client.invalidateQueries({ queryKey: queryKeys.flag(flagId) }),
      client.invalidateQueries({ queryKey: queryKeys.queues }),
    ]);
  return {
    move: useMutation({
      mutationFn: ({ queue, reason }: { queue: string; reason: string }) =>
        moveFlag(flagId, queue, reason),
      onSuccess: refresh,
    }),
    assign: useMutation({
      mutationFn: (userId: string) => assignFlag(flagId, userId),
      onSuccess: refresh,
    }),
  };
}
