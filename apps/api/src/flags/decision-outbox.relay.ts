import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { settleWithin } from '../common/settle-within';
import { WakeableSleep } from '../common/wakeable-sleep';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { PgNotificationsService } from '../database/pg-notifications.service';
import { KafkaService } from '../kafka/kafka.service';
import { MetricsService } from '../metrics/metrics.service';
import { DECISION_OUTBOX_CHANNEL, DecisionOutbox, type OutboxBacklog } from './decision-outbox';
import type { OutboxMessage } from './entities/outbox-message.entity';

/** Messages per relay transaction. */
const BATCH = 500;
/** The longest wait between attempts while the broker (or the database) is failing. */
const MAX_BACKOFF_MS = 10_000;
/** How long stopping waits for the relay to send what is left. */
const DRAIN_ON_STOP_MS = 10_000;
const PRUNE_EVERY_MS = 3_600_000;

export type RelayState = 'disabled' | 'running' | 'retrying' | 'stopped';

/**
 * Publishes the decision outbox: woken by the NOTIFY of every commit that queued a message, and
 * polling every OUTBOX_POLL_MS in case a notification was missed (a reconnect, another replica's
 * relay holding the rows). Every replica runs one; row locks share the work and keep each
 * event's messages in order (DecisionOutbox.sendNext). A failed pass is retried with a backoff.
 */
@Injectable()
export class DecisionOutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('DecisionOutbox');
  private loop: Promise<void> | null = null;
  private stopping = false;
  private nudged = false;
  private readonly pause = new WakeableSleep();
  private failures = 0;
  state: RelayState;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly outbox: DecisionOutbox,
    private readonly kafka: KafkaService,
    private readonly metrics: MetricsService,
    private readonly notifications: PgNotificationsService,
  ) {
    this.state = config.OUTBOX_RELAY_ENABLED ? 'running' : 'disabled';
  }

  onApplicationBootstrap(): void {
    if (!this.config.OUTBOX_RELAY_ENABLED) return;
    this.notifications.listen(DECISION_OUTBOX_CHANNEL, () => this.nudge());
    this.loop = this.run();
  }

  /** Sends what is left (bounded by DRAIN_ON_STOP_MS) before the producer disconnects. */
  async beforeApplicationShutdown(): Promise<void> {
    if (!this.loop) return;
    this.stopping = true;
    this.pause.wake();
    await settleWithin(this.loop, DRAIN_ON_STOP_MS);
    this.state = 'stopped';
  }

  backlog(): Promise<OutboxBacklog> {
    return this.outbox.backlog();
  }

  private nudge(): void {
    this.nudged = true;
    if (this.failures === 0) this.pause.wake();
  }

  private async run(): Promise<void> {
    let prunedAt = 0;
    for (;;) {
      this.nudged = false;
      try {
        while ((await this.outbox.sendNext(BATCH, (m) => this.publish(m))) === BATCH);
        if (this.failures > 0) this.logger.log('publishing again');
        this.failures = 0;
        this.state = 'running';
        if (Date.now() - prunedAt > PRUNE_EVERY_MS) {
          prunedAt = Date.now();
          await this.outbox.prune();
        }
      } catch (error) {
        this.failures++;
        this.state = 'retrying';
        this.metrics.outboxFailures.inc();
        this.logger.warn(
          `cannot publish the decision outbox yet (${(error as Error).message}); retrying`,
        );
      }
      await this.updateGauges();
      if (this.stopping) return;
      if (this.failures === 0 && this.nudged) continue; // a commit arrived during the pass
      await this.pause.sleep(
        this.failures === 0
          ? this.config.OUTBOX_POLL_MS
          : Math.min(250 * 2 ** this.failures, MAX_BACKOFF_MS),
      );
    }
  }

  private async publish(messages: OutboxMessage[]): Promise<void> {
    const byTopic = new Map<string, OutboxMessage[]>();
    for (const m of messages) {
      const list = byTopic.get(m.topic);
      if (list) list.push(m);
      else byTopic.set(m.topic, [m]);
    }
    for (const [topic, list] of byTopic) {
      await this.kafka.sendInOrder(
        topic,
        list.map((m) => ({ key: m.messageKey, value: m.value, headers: m.headers })),
      );
    }
    this.metrics.outboxPublished.inc(messages.length);
  }

  private async updateGauges(): Promise<void> {
    try {
      const { unsent, oldestUnsentSeconds } = await this.outbox.backlog();
      this.metrics.outboxUnsent.set(unsent);
      this.metrics.outboxOldestUnsentSeconds.set(oldestUnsentSeconds);
    } catch {
      // the database is down: the pass that failed has said so
    }
  }
}
