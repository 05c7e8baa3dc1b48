import type {
  WebhookDecision,
  WebhookDeliveryPageDto,
  WebhookDeliveryStatus,
  WebhookEndpointDto,
  WebhookKind,
} from '@sieve/contracts';
import { request, send } from './client';

export type {
  WebhookDeliveryDto as WebhookDelivery,
  WebhookEndpointDto as WebhookEndpoint,
} from '@sieve/contracts';
export { WEBHOOK_DECISIONS, WEBHOOK_KINDS } from '@sieve/contracts';

export interface NewWebhook {
  name: string;
  url: string;
  kinds: WebhookKind[];
  decisions: WebhookDecision[];
}

export interface PingResult {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
}

const path = (id: string) => `/webhooks/${encodeURIComponent(id)}`;

export const listWebhooks = () => request<WebhookEndpointDto[]>('/webhooks');
/** The signing secret is in this answer only. */
export const createWebhook = (webhook: NewWebhook) =>
  send<WebhookEndpointDto & { secret: string }>('POST', '/webhooks', webhook);
export const updateWebhook = (id: string, changes: Partial<NewWebhook> & { enabled?: boolean }) =>
  send<WebhookEndpointDto>('PATCH', path(id), changes);
export const deleteWebhook = (id: string) => send<void>('DELETE', path(id));
export const pingWebhook = (id: string) => send<PingResult>('POST', `${path(id)}/ping`);
export const listDeliveries = (id: string, status?: WebhookDeliveryStatus, cursor?: string) => {
  const query = new URLSearchParams();
  if (status) query.set('status', status);
  if (cursor) query.set('cursor', cursor);
  return request<WebhookDeliveryPageDto>(`${path(id)}/deliveries?${query}`);
};
export const redeliver = (id: string, deliveryId: string) =>
  send<{ queued: number }>(
    'POST',
    `${path(id)}/deliveries/${encodeURIComponent(deliveryId)}/redeliver`,
  );
export const redeliverFailed = (id: string) =>
  send<{ queued: number }>('POST', `${path(id)}/redeliver-failed`);
