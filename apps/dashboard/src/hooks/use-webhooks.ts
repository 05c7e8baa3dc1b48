import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { WebhookDeliveryStatus } from '@sieve/contracts';
import {
  createWebhook,
  deleteWebhook,
  listDeliveries,
  listWebhooks,
  type NewWebhook,
  pingWebhook,
  redeliver,
  redeliverFailed,
  updateWebhook,
} from '../api/webhooks';
import { queryKeys } from './query-keys';

/** Endpoints with their state; refreshed every 15 s so a failing endpoint shows without a reload. */
export function useWebhooks(enabled = true) {
  return useQuery({
    queryKey: queryKeys.webhooks,
    queryFn: listWebhooks,
    enabled,
    refetchInterval: 15_000,
  });
}

export function useDeliveries(id: string, status?: WebhookDeliveryStatus) {
  return useInfiniteQuery({
    queryKey: queryKeys.webhookDeliveries(id, status),
    queryFn: ({ pageParam }) => listDeliveries(id, status, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: 5_000,
  });
}

/** Every webhook mutation refreshes the endpoints and their logs. */
function useWebhookMutation<T, R>(fn: (input: T) => Promise<R>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.webhooks }),
  });
}

export const useCreateWebhook = () => useWebhookMutation((w: NewWebhook) => createWebhook(w));
export const useSetWebhookEnabled = () =>
  useWebhookMutation(({ id, enabled }: { id: string; enabled: boolean }) =>
    updateWebhook(id, { enabled }),
  );
export const useDeleteWebhook = () => useWebhookMutation((id: string) => deleteWebhook(id));
export const usePingWebhook = () => useMutation({ mutationFn: (id: string) => pingWebhook(id) });
export const useRedeliver = () =>
  useWebhookMutation(({ id, deliveryId }: { id: string; deliveryId: string }) =>
    redeliver(id, deliveryId),
  );
export const useRedeliverFailed = () => useWebhookMutation((id: string) => redeliverFailed(id));
