import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DecisionMessage } from '@sieve/moderation';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { toDecisionRecord } from './decision-messages';
import { WebhookFanout } from '../webhooks/webhook-fanout';
import { OutboxMessage } from './entities/outbox-message.entity';

export const DECISION_OUTBOX_CHANNEL = 'sieve_decision_outbox';

export interface OutboxBacklog {
  unsent: number;
  /** Age of the oldest message not yet sent; 0 when there is none. */
  oldestUnsentSeconds: number;
}

/**
 * The transactional outbox for messages to the platform that have no Kafka offset to be
 * replayed from. `enqueue` runs inside the transaction that makes the change, so a decision that
 * exists in Postgres always has its message waiting; DecisionOutboxRelay sends it.
 */
@Injectable()
export class DecisionOutbox {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly webhooks: WebhookFanout,
  ) {}

  /** Queues the messages for moderation.decisions and the webhooks; they exist only if `tx` commits. */
  async enqueue(tx: EntityManager, messages: DecisionMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const orderingKeys: string[] = [];
    const messageKeys: string[] = [];
    const values: string[] = [];
    const headers: string[] = [];
    for (const message of messages) {
      const record = toDecisionRecord(message);
      // In order per Kafka key: an event's messages, an author's account messages.
      orderingKeys.push(JSON.stringify([message.source, record.key]));
      messageKeys.push(record.key);
      values.push(record.value);
      headers.push(JSON.stringify(record.headers));
    }
    // Identity values follow the arrays' order (ORDER BY n), which is the sending order. Four
    // array parameters whatever the count: an erasure queues thousands of messages at once.
    await tx.query(
      `INSERT INTO decision_outbox (topic, ordering_key, message_key, value, headers)
       SELECT $1, m.ordering_key, m.message_key, m.value, m.headers::jsonb
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[])
            WITH ORDINALITY AS m(ordering_key, message_key, value, headers, n)
       ORDER BY m.n`,
      [this.config.KAFKA_DECISIONS_TOPIC, orderingKeys, messageKeys, values, headers],
    );
    await tx.query(`SELECT pg_notify($1, '')`, [DECISION_OUTBOX_CHANNEL]);
    await this.webhooks.enqueue(messages, tx);
  }

  /**
   * Takes up to `limit` unsent messages in order, locked so that other replicas skip them,
   * hands them to `publish`, and marks them sent when it resolves — all in one transaction, so a
   * crash before the mark means they are sent again (at least once, never lost). A message whose
   * key has an earlier unsent message locked by another replica waits for it: order per key holds
   * whichever replica sends. Returns how many were sent.
   */
  async sendNext(
    limit: number,
    publish: (messages: OutboxMessage[]) => Promise<void>,
  ): Promise<number> {
    let attempted: OutboxMessage[] = [];
    try {
      return await this.db.transaction(async (tx) => {
        const repository = tx.getRepository(OutboxMessage);
        const claimed = await repository
          .createQueryBuilder('o')
          .where('o.sent_at IS NULL')
          .orderBy('o.id')
          .limit(limit)
          .setLock('pessimistic_write')
          .setOnLocked('skip_locked')
          .getMany();
        if (claimed.length === 0) return 0;
        const held = await this.keysHeldElsewhere(tx, claimed);
        const ready = claimed.filter((m) => !held.has(m.orderingKey));
        if (ready.length === 0) return 0;
        attempted = ready;
        await publish(ready);
        await repository
          .createQueryBuilder()
          .update()
          .set({ sentAt: () => 'now()' })
          .whereInIds(ready.map((m) => m.id))
          .execute();
        return ready.length;
      });
    } catch (error) {
      if (attempted.length > 0) await this.recordFailure(attempted, error as Error);
      throw error;
    }
  }

  /** Keys of `claimed` with an earlier unsent message this transaction did not get (locked). */
  private async keysHeldElsewhere(
    tx: EntityManager,
    claimed: OutboxMessage[],
  ): Promise<Set<string>> {
    const first = new Map<string, string>();
    for (const m of claimed) if (!first.has(m.orderingKey)) first.set(m.orderingKey, m.id);
    const rows: { ordering_key: string }[] = await tx.query(
      `SELECT DISTINCT o.ordering_key
       FROM decision_outbox o
       JOIN unnest($1::text[], $2::bigint[]) AS k(ordering_key, first_id)
         ON o.ordering_key = k.ordering_key AND o.id < k.first_id
       WHERE o.sent_at IS NULL`,
      [[...first.keys()], [...first.values()]],
    );
    return new Set(rows.map((r) => r.ordering_key));
  }

  private async recordFailure(messages: OutboxMessage[], error: Error): Promise<void> {
    await this.db
      .getRepository(OutboxMessage)
      .createQueryBuilder()
      .update()
      .set({ attempts: () => 'attempts + 1', lastError: error.message.slice(0, 500) })
      .whereInIds(messages.map((m) => m.id))
      .execute()
      .catch(() => undefined); // the database may be what failed
  }

  async backlog(): Promise<OutboxBacklog> {
    const row = await this.db
      .getRepository(OutboxMessage)
      .createQueryBuilder('o')
      .select('count(*)::int', 'unsent')
      .addSelect(
        `COALESCE(extract(epoch FROM now() - min(o.created_at)), 0)::float8`,
        'oldestUnsentSeconds',
      )
      .where('o.sent_at IS NULL')
      .getRawOne<OutboxBacklog>();
    return row ?? { unsent: 0, oldestUnsentSeconds: 0 };
  }

  /** Deletes sent messages older than the retention; returns how many. */
  async prune(): Promise<number> {
    const result = await this.db
      .getRepository(OutboxMessage)
      .createQueryBuilder()
      .delete()
      .where(`sent_at < now() - make_interval(hours => :hours)`, {
        hours: this.config.OUTBOX_RETENTION_HOURS,
      })
      .execute();
    return result.affected ?? 0;
  }
}
