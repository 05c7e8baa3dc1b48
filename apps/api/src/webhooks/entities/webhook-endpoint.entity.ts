import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Where a platform without a Kafka consumer receives Sieve's messages, signed with `secret`. */
@Entity({ name: 'webhook_endpoints' })
export class WebhookEndpoint {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  url!: string;

  /**
   * The HMAC key, sealed (SecretBox); shown once when the endpoint is created, never returned or
   * logged after.
   */
  @Column({ type: 'text' })
  secret!: string;

  /** Which message kinds (`automatic`, `reviewer`, …) the endpoint receives. */
  @Column({ type: 'text', array: true })
  kinds!: string[];

  /** Which decisions (`allow`, `review`, `block`) the endpoint receives. */
  @Column({ type: 'text', array: true })
  decisions!: string[];

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true })
  disabledAt!: Date | null;

  @Column({ name: 'disabled_reason', type: 'text', nullable: true })
  disabledReason!: string | null;

  /** Attempts that failed since the last success; the endpoint is disabled at the configured limit. */
  @Column({ name: 'consecutive_failures', type: 'integer', default: 0 })
  consecutiveFailures!: number;

  /** The delivery whose failure was counted last: the same one failing again is not counted. */
  @Column({ name: 'last_failed_delivery_id', type: 'bigint', nullable: true })
  lastFailedDeliveryId!: string | null;

  /** While failing, the next attempt waits until then (the backoff is per endpoint). */
  @Column({ name: 'retry_at', type: 'timestamptz', nullable: true })
  retryAt!: Date | null;

  /** One replica delivers to an endpoint at a time, until then. */
  @Column({ name: 'lease_until', type: 'timestamptz', nullable: true })
  leaseUntil!: Date | null;

  @Column({ name: 'last_success_at', type: 'timestamptz', nullable: true })
  lastSuccessAt!: Date | null;

  @Column({ name: 'last_failure_at', type: 'timestamptz', nullable: true })
  lastFailureAt!: Date | null;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
