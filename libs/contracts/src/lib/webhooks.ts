/** Message kinds a webhook endpoint can subscribe to (the `kind` of each message). */
export const WEBHOOK_KINDS = [
  'automatic',
  'reviewer',
  'precedent',
  'appeal',
  'notice',
  'account',
  'erasure',
  'erasure_completed',
] as const;
export type WebhookKind = (typeof WEBHOOK_KINDS)[number];

export const WEBHOOK_DECISIONS = ['allow', 'review', 'block'] as const;
export type WebhookDecision = (typeof WEBHOOK_DECISIONS)[number];

/**
 * `active`: delivering. `failing`: the last attempts failed and Sieve is retrying with a
 * backoff. `disabled`: stopped after too many failures (or by an admin); messages still queue
 * and are sent once it is enabled again.
 */
export type WebhookState = 'active' | 'failing' | 'disabled';

export interface WebhookEndpointDto {
  id: string;
  name: string;
  url: string;
  kinds: WebhookKind[];
  decisions: WebhookDecision[];
  state: WebhookState;
  enabled: boolean;
  disabledAt: string | null;
  disabledReason: string | null;
  consecutiveFailures: number;
  /** While failing: when the next attempt is due. */
  retryAt: string | null;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  /** Deliveries waiting to be sent, and the age of the oldest in seconds. */
  pending: number;
  oldestPendingSeconds: number;
  /** Deliveries that gave up (after the retry window) and were not redelivered. */
  failed: number;
  createdAt: string;
}

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface WebhookDeliveryDto {
  id: string;
  messageId: string;
  kind: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  lastAttemptAt: string | null;
  /** When a pending delivery the receiver refused is tried again (null: as soon as it can be). */
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  /** The signed body, as sent. */
  body: string;
}

export interface WebhookDeliveryPageDto {
  items: WebhookDeliveryDto[];
  nextCursor: string | null;
}
