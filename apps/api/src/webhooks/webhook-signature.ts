import { createHmac } from 'node:crypto';

/** The headers of every webhook request (docs/webhooks.md shows how to verify them). */
export const WEBHOOK_HEADERS = {
  /** The message's id: the same on every retry and redelivery, for the receiver to ignore repeats. */
  id: 'sieve-webhook-id',
  /** The message kind: `automatic`, `reviewer`, … (also in the body). */
  kind: 'sieve-webhook-kind',
  /** Unix seconds when this attempt was signed; reject old ones to stop replays. */
  timestamp: 'sieve-webhook-timestamp',
  /** `v1=` and the hex HMAC-SHA256 of `<timestamp>.<body>` under the endpoint's secret. */
  signature: 'sieve-webhook-signature',
} as const;

export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return 'v1=' + createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}
