import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { WakeableSleep } from '../common/wakeable-sleep';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { PgNotificationsService } from '../database/pg-notifications.service';
import { MetricsService } from '../metrics/metrics.service';
import { SecretBox } from '../secrets/secret-box';
import { webhookContext } from '../secrets/sealed-columns';
import { WEBHOOKS_PENDING_CHANNEL } from './webhook-fanout';
import { sendWebhook, type WebhookAttempt } from './webhook-sender';

/** How long one replica keeps an endpoint to itself; renewed by finishing and leasing again. */
const LEASE_SECONDS = 60;
const FIRST_BACKOFF_MS = 5000;
const SWEEP_EVERY_MS = 60_000;
/** An endpoint that accepted a message this recently is up: a retry it refuses is the message's. */
const RECENT_SUCCESS_SECONDS = 60;
/**
 * Failures in a row (of different messages) before an endpoint shows as failing. One alone is as
 * likely a message the receiver refuses; it is checked at once with another message.
 */
export const FAILING_AFTER_FAILURES = 2;

interface LeasedEndpoint {
  id: string;
  name: string;
  url: string;
  secret: string;
  consecutive_failures: number;
  /** It accepted a message within RECENT_SUCCESS_SECONDS. */
  healthy: boolean;
  last_failed_delivery_id: string | null;
}

interface PendingDelivery {
  id: string;
  message_id: string;
  kind: string;
  body: string;
  attempts: number;
}

/** A pending delivery that waits for no retry time of its own. */
const DUE = `status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= now())`;

/**
 * Makes every waiting delivery of an endpoint due now, so they go in queue order: when it is back
 * from failing, enabled again or pointed at a new URL.
 */
export async function retryWaitingNow(
  db: Pick<DataSource, 'query'>,
  endpointId: string,
): Promise<void> {
  await db.query(
    `UPDATE webhook_deliveries SET next_attempt_at = NULL
     WHERE endpoint_id = $1 AND status = 'pending' AND next_attempt_at IS NOT NULL`,
    [endpointId],
  );
}

export type WebhookWorkerState = 'disabled' | 'running' | 'stopped';

/** The delay before the next attempt after the n-th failure in a row (n ≥ 1). */
export function webhookBackoffMs(failures: number, maxMs: number): number {
  return Math.min(FIRST_BACKOFF_MS * 2 ** Math.min(failures - 1, 20), maxMs);
}

/**
 * Sends queued webhook deliveries. Each pass leases the endpoints that have work and are due
 * (one replica per endpoint, so a failing endpoint gets one probe at a time, not one per
 * replica), sends up to WEBHOOK_CONCURRENCY at once, in queue order, and records every attempt.
 *
 * Two kinds of failure, told apart by what else the receiver accepts:
 * - The endpoint fails (nothing it is sent is accepted): it is tried at once with another
 *   message, then backs off as a whole (5 s doubling to WEBHOOK_MAX_BACKOFF_MS) with one probe
 *   at a time, and after WEBHOOK_DISABLE_AFTER_FAILURES in a row it is disabled. When a probe
 *   gets through, what waited is sent in queue order.
 * - It refuses one message while it accepts others: that message alone is retried on its own
 *   backoff (5 s doubling to WEBHOOK_MESSAGE_MAX_BACKOFF_MS, an hour: a receiver that refuses
 *   some messages is not asked each of them again every few minutes for a day), and the rest
 *   keep flowing. The probe of a failing endpoint is the delivery tried least, so a message it
 *   refuses is not the only one it is ever asked again, and the same message failing again is
 *   not counted against the endpoint: only different ones in a row.
 *
 * Deliveries not accepted within WEBHOOK_RETRY_HOURS give up, visibly, and can be redelivered.
 */
@Injectable()
export class WebhookDeliveryWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Webhooks');
  private loop: Promise<void> | null = null;
  private stopping = false;
  private nudged = false;
  private readonly pause = new WakeableSleep();
  state: WebhookWorkerState;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
    private readonly notifications: PgNotificationsService,
    private readonly metrics: MetricsService,
    private readonly secrets: SecretBox,
  ) {
    this.state = config.WEBHOOKS_ENABLED ? 'running' : 'disabled';
  }

  onApplicationBootstrap(): void {
    if (!this.config.WEBHOOKS_ENABLED) return;
    this.notifications.listen(WEBHOOKS_PENDING_CHANNEL, () => this.nudge());
    this.loop = this.run();
  }

  async onModuleDestroy(): Promise<void> {
    if (!this.loop) return;
    this.stopping = true;
    this.pause.wake();
    await this.loop;
    this.state = 'stopped';
  }

  /** Wakes the worker now (a delivery was queued, an endpoint enabled, a redelivery asked for). */
  nudge(): void {
    this.nudged = true;
    this.pause.wake();
  }

  private async run(): Promise<void> {
    let sweptAt = 0;
    while (!this.stopping) {
      this.nudged = false;
      try {
        if (Date.now() - sweptAt > SWEEP_EVERY_MS) {
          sweptAt = Date.now();
          await this.sweep();
        }
        const endpoints = await this.leaseDueEndpoints();
        await Promise.all(endpoints.map((endpoint) => this.deliverTo(endpoint)));
        await this.updateGauges();
      } catch (error) {
        this.logger.warn(`webhook pass failed (${(error as Error).message}); retrying`);
      }
      if (this.stopping || this.nudged) continue;
      await this.pause.sleep(this.config.WEBHOOK_POLL_MS);
    }
  }

  private async leaseDueEndpoints(): Promise<LeasedEndpoint[]> {
    // Two replicas running this at once: the second waits on the row lock, re-checks the lease
    // and skips the endpoint.
    const [rows] = (await this.db.query(
      `UPDATE webhook_endpoints e SET lease_until = now() + make_interval(secs => $1)
       WHERE enabled AND (retry_at IS NULL OR retry_at <= now())
         AND (lease_until IS NULL OR lease_until < now())
         AND EXISTS (SELECT 1 FROM webhook_deliveries WHERE endpoint_id = e.id AND ${DUE})
       RETURNING id, name, url, secret, consecutive_failures, last_failed_delivery_id,
         coalesce(last_success_at > now() - make_interval(secs => $2), false) AS healthy`,
      [LEASE_SECONDS, RECENT_SUCCESS_SECONDS],
    )) as [LeasedEndpoint[], number];
    return rows;
  }

  private async deliverTo(endpoint: LeasedEndpoint): Promise<void> {
    const until = Date.now() + (LEASE_SECONDS - 5) * 1000 - this.config.WEBHOOK_TIMEOUT_MS;
    let failures = endpoint.consecutive_failures;
    let healthy = endpoint.healthy;
    let lastFailed = endpoint.last_failed_delivery_id;
    let secret: string;
    try {
      secret = this.secrets.open(endpoint.secret, webhookContext(endpoint.id));
    } catch (error) {
      // A key missing from the configuration: its lease is left to run out, so the endpoint is
      // tried again a lease later rather than on every pass.
      this.logger.error(`webhook endpoint "${endpoint.name}": ${(error as Error).message}`);
      return;
    }
    try {
      while (!this.stopping && Date.now() < until) {
        const batch: PendingDelivery[] = await this.db.query(
          `SELECT id, message_id, kind, body, attempts FROM webhook_deliveries
           WHERE endpoint_id = $1 AND ${DUE}
           ORDER BY ${failures > 0 ? 'attempts, id' : 'id'} LIMIT $2`,
          [endpoint.id, failures > 0 ? 1 : this.config.WEBHOOK_CONCURRENCY],
        );
        if (batch.length === 0) return;
        const attempts = await Promise.all(
          batch.map((d) =>
            sendWebhook(
              { url: endpoint.url, secret },
              { messageId: d.message_id, kind: d.kind, body: d.body },
              this.config.WEBHOOK_TIMEOUT_MS,
            ),
          ),
        );
        // A message refused while others get through backs off on its own (hours); while nothing
        // gets through, on the endpoint's cap, so it is not left an hour behind a recovery.
        const accepting = healthy || attempts.some((a) => a.ok);
        await this.recordAttempts(
          batch,
          attempts,
          accepting
            ? this.config.WEBHOOK_MESSAGE_MAX_BACKOFF_MS
            : this.config.WEBHOOK_MAX_BACKOFF_MS,
        );
        if (!attempts.some((a) => a.ok)) {
          // Messages it refused before, refused again while it accepts others: those messages
          // back off, not the endpoint.
          if (healthy && batch.every((d) => d.attempts > 0)) continue;
          // The same message failing again says nothing new about the endpoint: an endpoint
          // fails when different messages do.
          if (batch.length === 1 && batch[0].id === lastFailed) return;
          failures++;
          lastFailed = batch[batch.length - 1].id;
          await this.recordEndpointFailure(endpoint, failures, attempts[0], lastFailed);
          // The first failure in a row is checked at once with another message: a receiver
          // refusing one message should not hold the rest up for a backoff.
          if (failures === 1 && failures < this.config.WEBHOOK_DISABLE_AFTER_FAILURES) continue;
          return;
        }
        healthy = true;
        lastFailed = null;
        // Back from failing: what waited is sent in order. (After a single failure, the backoffs
        // of messages it refused stand: clearing them would resend every one of them.)
        if (failures >= FAILING_AFTER_FAILURES) {
          this.logger.log(`webhook endpoint "${endpoint.name}" accepts deliveries again`);
          await retryWaitingNow(this.db, endpoint.id);
        }
        failures = 0;
        await this.db.query(
          `UPDATE webhook_endpoints SET consecutive_failures = 0, retry_at = NULL,
             last_failed_delivery_id = NULL, last_success_at = now() WHERE id = $1`,
          [endpoint.id],
        );
      }
    } finally {
      await this.db
        .query(`UPDATE webhook_endpoints SET lease_until = NULL WHERE id = $1`, [endpoint.id])
        .catch(() => undefined); // the lease runs out by itself
    }
  }

  /** Each attempt's outcome; a refused delivery waits its own backoff before it is due again. */
  private async recordAttempts(
    batch: PendingDelivery[],
    attempts: WebhookAttempt[],
    maxBackoffMs: number,
  ) {
    await this.db.query(
      `UPDATE webhook_deliveries d SET
         attempts = d.attempts + 1,
         last_attempt_at = now(),
         last_status_code = a.status_code,
         last_error = a.error,
         status = CASE WHEN a.ok THEN 'delivered' ELSE d.status END,
         delivered_at = CASE WHEN a.ok THEN now() ELSE d.delivered_at END,
         next_attempt_at = CASE WHEN a.ok THEN NULL
                                ELSE now() + make_interval(secs => a.retry_seconds) END
       FROM unnest($1::bigint[], $2::boolean[], $3::int[], $4::text[], $5::float8[])
         AS a(id, ok, status_code, error, retry_seconds)
       WHERE d.id = a.id`,
      [
        batch.map((d) => d.id),
        attempts.map((a) => a.ok),
        attempts.map((a) => a.statusCode),
        attempts.map((a) => a.error),
        batch.map((d) => webhookBackoffMs(d.attempts + 1, maxBackoffMs) / 1000),
      ],
    );
    for (const a of attempts) this.metrics.webhookAttempts.inc({ result: a.ok ? 'ok' : 'failed' });
  }

  private async recordEndpointFailure(
    endpoint: LeasedEndpoint,
    failures: number,
    attempt: WebhookAttempt,
    deliveryId: string,
  ): Promise<void> {
    const limit = this.config.WEBHOOK_DISABLE_AFTER_FAILURES;
    const disable = failures >= limit;
    const backoff =
      failures === 1 ? 0 : webhookBackoffMs(failures - 1, this.config.WEBHOOK_MAX_BACKOFF_MS);
    await this.db.query(
      `UPDATE webhook_endpoints SET consecutive_failures = $2, last_failure_at = now(),
         last_failed_delivery_id = $6,
         retry_at = now() + make_interval(secs => $3),
         enabled = enabled AND NOT $4,
         disabled_at = CASE WHEN $4 THEN now() ELSE disabled_at END,
         disabled_reason = CASE WHEN $4 THEN $5 ELSE disabled_reason END
       WHERE id = $1`,
      [
        endpoint.id,
        failures,
        backoff / 1000,
        disable,
        `${limit} failed attempts in a row; the last: ${attempt.error}`,
        deliveryId,
      ],
    );
    if (disable) {
      this.metrics.webhookEndpointsDisabled.inc();
      this.logger.error(
        `webhook endpoint "${endpoint.name}" disabled after ${limit} failed attempts in a row (${attempt.error}); its deliveries wait until an admin enables it`,
      );
    } else if (failures === FAILING_AFTER_FAILURES) {
      this.logger.warn(
        `webhook endpoint "${endpoint.name}" is failing (${attempt.error}); retrying with a backoff`,
      );
    }
  }

  /** Gives up on deliveries past the retry window and prunes the old log. */
  private async sweep(): Promise<void> {
    const [, gaveUp] = (await this.db.query(
      `UPDATE webhook_deliveries SET status = 'failed',
         last_error = format('gave up after %s h: %s', $1::int, coalesce(last_error, 'never attempted'))
       WHERE status = 'pending' AND queued_at < now() - make_interval(hours => $1)`,
      [this.config.WEBHOOK_RETRY_HOURS],
    )) as [unknown, number];
    if (gaveUp > 0) {
      this.metrics.webhookGaveUp.inc(gaveUp);
      this.logger.error(`${gaveUp} webhook deliveries gave up after the retry window`);
    }
    await this.db.query(
      `DELETE FROM webhook_deliveries
       WHERE status <> 'pending' AND coalesce(delivered_at, last_attempt_at, queued_at)
         < now() - make_interval(hours => $1)`,
      [this.config.WEBHOOK_LOG_RETENTION_HOURS],
    );
  }

  private async updateGauges(): Promise<void> {
    const rows: { state: string; n: number }[] = await this.db.query(
      `SELECT CASE WHEN NOT enabled THEN 'disabled'
                   WHEN consecutive_failures >= ${FAILING_AFTER_FAILURES} THEN 'failing'
                   ELSE 'active' END AS state,
              count(*)::int AS n
       FROM webhook_endpoints GROUP BY 1`,
    );
    for (const state of ['active', 'failing', 'disabled']) {
      this.metrics.webhookEndpoints.set({ state }, rows.find((r) => r.state === state)?.n ?? 0);
    }
    const [{ n }]: { n: number }[] = await this.db.query(
      `SELECT count(*)::int AS n FROM webhook_deliveries WHERE status = 'pending'`,
    );
    this.metrics.webhookPending.set(n);
  }
}
