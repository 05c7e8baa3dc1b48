import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  DECISION_FOR_RECOMMENDATION,
  type Decision,
  type DecisionMessage,
  recommendationFell,
} from '@sieve/moderation';
import { DataSource, type EntityManager } from 'typeorm';
import { PgNotificationsService } from '../database/pg-notifications.service';
import { messageIdOf, toDecisionRecord } from '../flags/decision-messages';
import { WebhookEndpoint } from './entities/webhook-endpoint.entity';

/** NOTIFYed when endpoints change (every replica reloads its subscriptions). */
export const WEBHOOKS_CHANGED_CHANNEL = 'sieve_webhooks_changed';
/** NOTIFYed when deliveries are queued (the delivery worker wakes up). */
export const WEBHOOKS_PENDING_CHANNEL = 'sieve_webhooks_pending';

/** In case a change notification was missed (the listener reconnecting). */
const RELOAD_EVERY_MS = 30_000;

interface Subscription {
  endpointId: string;
  kinds: Set<string>;
  decisions: Set<string>;
}

/**
 * The decisions an endpoint's filter chooses `message` by. None for a message that carries no
 * decision (an erasure's completion goes to every endpoint of its kind). An account
 * recommendation that lifts one also by the one it lifts: an endpoint that heard of a suspension
 * hears when it is lifted.
 */
function filteredBy(message: DecisionMessage): Decision[] | null {
  if (!('decision' in message)) return null;
  if (
    message.kind === 'account' &&
    recommendationFell(message.previousRecommendation, message.recommendation)
  )
    return [message.decision, DECISION_FOR_RECOMMENDATION[message.previousRecommendation]];
  return [message.decision];
}

/**
 * Turns each message to the platform into one delivery row per endpoint that subscribes to it,
 * in the caller's transaction: a decision that commits has its deliveries queued with it, and
 * nothing is queued for one that rolls back. With no endpoint configured it costs nothing.
 */
@Injectable()
export class WebhookFanout implements OnModuleInit {
  private subscriptions: Promise<Subscription[]> | null = null;
  private loadedAt = 0;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly notifications: PgNotificationsService,
  ) {}

  onModuleInit(): void {
    this.notifications.listen(WEBHOOKS_CHANGED_CHANNEL, () => this.invalidate());
  }

  invalidate(): void {
    this.subscriptions = null;
  }

  /** Queues `messages` for their subscribers; a message already queued for an endpoint is skipped. */
  async enqueue(
    messages: DecisionMessage[],
    manager: EntityManager = this.db.manager,
  ): Promise<void> {
    if (messages.length === 0) return;
    const subscriptions = await this.current();
    if (subscriptions.length === 0) return;
    const endpointIds: string[] = [];
    const messageIds: string[] = [];
    const kinds: string[] = [];
    const bodies: string[] = [];
    for (const message of messages) {
      const decisions = filteredBy(message);
      const wanted = subscriptions.filter(
        (s) =>
          s.kinds.has(message.kind) && (!decisions || decisions.some((d) => s.decisions.has(d))),
      );
      if (wanted.length === 0) continue;
      const id = messageIdOf(message);
      const body = toDecisionRecord(message).value;
      for (const s of wanted) {
        endpointIds.push(s.endpointId);
        messageIds.push(id);
        kinds.push(message.kind);
        bodies.push(body);
      }
    }
    if (endpointIds.length === 0) return;
    await manager.query(
      `INSERT INTO webhook_deliveries (endpoint_id, message_id, kind, body)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[])
       ON CONFLICT ON CONSTRAINT webhook_deliveries_once DO NOTHING`,
      [endpointIds, messageIds, kinds, bodies],
    );
    await manager.query(`SELECT pg_notify($1, '')`, [WEBHOOKS_PENDING_CHANNEL]);
  }

  private current(): Promise<Subscription[]> {
    if (!this.subscriptions || Date.now() - this.loadedAt > RELOAD_EVERY_MS) {
      this.loadedAt = Date.now();
      const loading = this.load();
      this.subscriptions = loading;
      // A failed load is not kept: the next message tries again (and its transaction fails now).
      loading.catch(() => {
        if (this.subscriptions === loading) this.subscriptions = null;
      });
    }
    return this.subscriptions;
  }

  /** Every endpoint, enabled or not: a disabled endpoint's messages wait for it to be enabled. */
  private async load(): Promise<Subscription[]> {
    const endpoints = await this.db
      .getRepository(WebhookEndpoint)
      .find({ select: { id: true, kinds: true, decisions: true } });
    return endpoints.map((e) => ({
      endpointId: e.id,
      kinds: new Set(e.kinds),
      decisions: new Set(e.decisions),
    }));
  }
}
