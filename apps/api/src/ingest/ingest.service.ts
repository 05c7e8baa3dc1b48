import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  type ContentEvent,
  type AutomaticDecisionMessage,
  evaluatePolicy,
  parseContentEvent,
  type ContentEventRejection,
} from '@sieve/moderation';
import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { KafkaService } from '../kafka/kafka.service';
import { PoliciesService } from '../policies/policies.service';
import { MODERATION_SCORER, type ModerationScorer } from '../scoring/moderation-scorer';
import { keyOf, ScoredEventStore, type StoredDecision } from './scored-event.store';

export interface IngestSummary {
  received: number;
  deadLettered: number;
  scored: number;
  alreadyStored: number;
  published: number;
}

interface ValidEvent {
  event: ContentEvent;
  message: KafkaMessage;
}

/**
 * One batch from one partition: validate, dead-letter what is malformed, score what is new,
 * store it idempotently, publish every decision. Throws (so nothing is committed) when the
 * scorer, the database or the broker fails; the caller retries the batch.
 */
@Injectable()
export class IngestService {
  private readonly logger = new Logger('Ingest');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(MODERATION_SCORER) private readonly scorer: ModerationScorer,
    private readonly kafka: KafkaService,
    private readonly policies: PoliciesService,
    private readonly store: ScoredEventStore,
  ) {}

  async ingestBatch(
    topic: string,
    partition: number,
    messages: KafkaMessage[],
  ): Promise<IngestSummary> {
    const valid = new Map<string, ValidEvent>();
    const deadLetters: Message[] = [];
    for (const message of messages) {
      const parsed = parseContentEvent(message.value, {
        maxTextBytes: this.config.INGEST_MAX_TEXT_BYTES,
      });
      if (!parsed.ok) {
        deadLetters.push(deadLetter(message, topic, partition, parsed.reason, parsed.detail));
        continue;
      }
      const key = keyOf({ source: parsed.event.source, eventId: parsed.event.id });
      if (!valid.has(key)) valid.set(key, { event: parsed.event, message });
    }
    // Dead letters go out before any offset is committed, so a crash can only repeat them.
    await this.kafka.send(this.config.KAFKA_DLQ_TOPIC, deadLetters);
    if (deadLetters.length > 0) {
      this.logger.warn(
        `${deadLetters.length} event(s) from ${topic}[${partition}] sent to ${this.config.KAFKA_DLQ_TOPIC}`,
      );
    }

    const candidates = [...valid.values()];
    const alreadyStored = await this.store.findStored(
      candidates.map(({ event }) => ({ source: event.source, eventId: event.id })),
    );
    const storedKeys = new Set(alreadyStored.map(keyOf));
    const fresh = candidates.filter(
      ({ event }) => !storedKeys.has(keyOf({ source: event.source, eventId: event.id })),
    );

    let newlyStored: StoredDecision[] = [];
    if (fresh.length > 0) {
      const policy = await this.policies.activePolicy();
      const scores = await this.scorer.scoreBatch(fresh.map(({ event }) => event.text));
      newlyStored = await this.store.insert(
        fresh.map(({ event, message }, i) => {
          const evaluation = evaluatePolicy(scores[i].scores, policy);
          return {
            event,
            model: scores[i].model,
            scores: scores[i].scores,
            policyVersion: policy.version,
            decision: evaluation.decision,
            triggered: evaluation.triggered,
            maxScore: evaluation.maxScore,
            partition,
            offset: message.offset,
          };
        }),
      );
    }

    // Replays re-publish the stored decision, so a crash between write and publish loses none.
    const decisions = [...alreadyStored, ...newlyStored].map(toDecisionMessage);
    await this.kafka.send(
      this.config.KAFKA_DECISIONS_TOPIC,
      decisions.map((d) => ({
        key: d.eventId,
        value: JSON.stringify(d),
        headers: { source: d.source },
      })),
    );

    return {
      received: messages.length,
      deadLettered: deadLetters.length,
      scored: fresh.length,
      alreadyStored: alreadyStored.length,
      published: decisions.length,
    };
  }
}

export const DLQ_HEADERS = {
  reason: 'sieve-dlq-reason',
  detail: 'sieve-dlq-detail',
  topic: 'sieve-original-topic',
  partition: 'sieve-original-partition',
  offset: 'sieve-original-offset',
  failedAt: 'sieve-failed-at',
} as const;

function deadLetter(
  message: KafkaMessage,
  topic: string,
  partition: number,
  reason: ContentEventRejection,
  detail: string,
): Message {
  const headers: IHeaders = {
    ...message.headers,
    [DLQ_HEADERS.reason]: reason,
    [DLQ_HEADERS.detail]: detail,
    [DLQ_HEADERS.topic]: topic,
    [DLQ_HEADERS.partition]: String(partition),
    [DLQ_HEADERS.offset]: message.offset,
    [DLQ_HEADERS.failedAt]: new Date().toISOString(),
  };
  return { key: message.key, value: message.value, headers };
}

function toDecisionMessage(stored: StoredDecision): AutomaticDecisionMessage {
  return {
    schemaVersion: 1,
    kind: 'automatic',
    eventId: stored.eventId,
    source: stored.source,
    decision: stored.decision,
    triggered: stored.triggered,
    scores: stored.scores,
    model: stored.model,
    policyVersion: stored.policyVersion,
    decidedAt: new Date(stored.scoredAt).toISOString(),
  };
}
