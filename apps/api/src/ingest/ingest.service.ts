import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  type ContentEvent,
  type AutomaticDecisionMessage,
  evaluatePolicy,
  judgeTargetsFor,
  parseContentEvent,
  type ContentEventRejection,
} from '@sieve/moderation';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { automaticDecision, toDecisionRecord } from '../flags/decision-messages';
import type { IncomingMessage, OutgoingMessage } from '../kafka/content-event-consumer';
import { KafkaService } from '../kafka/kafka.service';
import { PolicyProvider } from '../policies/policy-provider';
import { RoutingProvider } from '../queues/routing-provider';
import { MetricsService } from '../metrics/metrics.service';
import { ScoringService } from '../scoring/scoring.service';
import { WebhookFanout } from '../webhooks/webhook-fanout';
import { keyOf, type NewScoredEvent, ScoredEventStore } from './scored-event.store';

export interface IngestSummary {
  received: number;
  deadLettered: number;
  /** Stored by this batch. */
  stored: number;
  /** Seen before (replay, redelivery, another consumer) and not stored again. */
  alreadyStored: number;
  published: number;
}

/** Why an event went to the dead-letter topic (its `sieve-dlq-reason` header). */
export type DeadLetterReason =
  | ContentEventRejection
  | 'mistral_rejected'
  /** (source, id) is already stored with another text: a replay carries the same text. */
  | 'conflicting_event_id'
  /**
   * (source, id) names an event erased at its author's request: its text is not stored again,
   * and as it cannot be told from a claim on the id, it gets no decision.
   */
  | 'erased_event_id'
  /** On the appeals topic: not a valid appeal, or one Sieve refuses (the detail says why). */
  | 'invalid_appeal'
  | 'appeal_refused';

interface ValidEvent {
  event: ContentEvent;
  message: IncomingMessage;
}

/**
 * One batch from one partition: validate, dead-letter what is malformed, score (each distinct
 * text once, see ScoringService), store idempotently in one transaction, publish every
 * decision. Throws (so nothing is committed) when the scorer, the database or the broker
 * fails; the consumer pauses the partition and retries the batch.
 */
@Injectable()
export class IngestService {
  private readonly logger = new Logger('Ingest');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly scoring: ScoringService,
    private readonly kafka: KafkaService,
    private readonly policies: PolicyProvider,
    private readonly routing: RoutingProvider,
    private readonly store: ScoredEventStore,
    private readonly metrics: MetricsService,
    private readonly webhooks: WebhookFanout,
  ) {}

  async ingestBatch(
    topic: string,
    partition: number,
    messages: IncomingMessage[],
  ): Promise<IngestSummary> {
    const valid = new Map<string, ValidEvent>();
    const deadLetters: OutgoingMessage[] = [];
    const rejected: { offset: string; key: string | null; reason: DeadLetterReason }[] = [];
    const reject = (message: IncomingMessage, reason: DeadLetterReason, detail: string) => {
      deadLetters.push(deadLetter(message, topic, partition, reason, detail));
      rejected.push({
        offset: message.offset,
        key: message.key?.toString().slice(0, 128) ?? null,
        reason,
      });
      this.metrics.deadLetters.inc({ reason });
    };
    for (const message of messages) {
      const parsed = parseContentEvent(message.value, {
        maxTextBytes: this.config.INGEST_MAX_TEXT_BYTES,
      });
      if (!parsed.ok) {
        reject(message, parsed.reason, parsed.detail);
        continue;
      }
      const key = keyOf({ source: parsed.event.source, eventId: parsed.event.id });
      if (!valid.has(key)) valid.set(key, { event: parsed.event, message });
    }

    const candidates = [...valid.values()];
    const stage = (name: string) => this.metrics.stageSeconds.startTimer({ stage: name });
    const scoring = stage('score');
    const [outcomes, policy, shadow, route] = await Promise.all([
      this.scoring.scoreTexts(candidates.map(({ event }) => event.text)),
      this.policies.activePolicy(),
      this.policies.shadowPolicy(),
      this.routing.router(candidates.map(({ event }) => event)),
    ]);

    const rows: NewScoredEvent[] = [];
    const rowMessages: IncomingMessage[] = [];
    candidates.forEach(({ event, message }, i) => {
      const outcome = outcomes[i];
      if (!outcome.ok) return reject(message, outcome.reason, outcome.detail);
      const evaluation = evaluatePolicy(outcome.scores, policy, event.source);
      const judge = judgeTargetsFor(event, outcome.scores, policy);
      rows.push({
        event,
        model: outcome.model,
        scores: outcome.scores,
        policyVersion: policy.version,
        decision: evaluation.decision,
        triggered: evaluation.triggered,
        maxScore: evaluation.maxScore,
        scoreSource: outcome.fresh ? 'scorer' : 'cache',
        newScoreHash: outcome.fresh ? outcome.hash : null,
        route: null,
        judgeTargets: judge.length > 0 ? judge : null,
        shadow: shadow && {
          version: shadow.version,
          ...pickDecision(evaluatePolicy(outcome.scores, shadow, event.source)),
        },
      });
      rowMessages.push(message);
    });

    for (const r of rows) {
      if (r.decision === 'allow') continue;
      r.route = route({
        source: r.event.source,
        eventId: r.event.id,
        authorId: r.event.authorId,
        lang: r.event.lang ?? null,
        triggered: r.triggered,
        automatic: r.decision === 'block',
      });
    }

    scoring();
    const storing = stage('store');
    const { stored, inserted } = await this.store.insert(rows, this.scoring.cacheModel);

    // Dead letters and decisions go out before any offset is committed, so a crash can only
    // repeat them; replays re-publish the stored decision, so none is lost between write and publish.
    storing();
    const publishing = stage('publish');
    const decisions: AutomaticDecisionMessage[] = [];
    stored.forEach((d, i) => {
      // First writer keeps the id; a different text under it is dead-lettered and counted,
      // never answered with the first event's decision.
      if (d.textDiffers)
        reject(
          rowMessages[i],
          'conflicting_event_id',
          `(source, id) = (${d.source}, ${d.eventId}) is already stored with a different text`,
        );
      else if (d.erased)
        reject(
          rowMessages[i],
          'erased_event_id',
          `(source, id) = (${d.source}, ${d.eventId}) was erased at its author's request; its decision stands`,
        );
      else decisions.push(automaticDecision(d, d.scoredAt));
    });
    await Promise.all([
      // Replays queue nothing twice: a delivery is unique per message and endpoint.
      this.webhooks.enqueue(decisions),
      this.kafka.send(this.config.KAFKA_DLQ_TOPIC, deadLetters),
      this.kafka.send(this.config.KAFKA_DECISIONS_TOPIC, decisions.map(toDecisionRecord)),
    ]);
    publishing();
    if (deadLetters.length > 0) {
      // Where and why, never the content: the dead-letter topic holds that.
      this.logger.warn(
        {
          topic,
          partition,
          deadLetters: rejected.slice(0, 20),
        },
        `${deadLetters.length} event(s) sent to ${this.config.KAFKA_DLQ_TOPIC}`,
      );
    }
    const alreadyStored = decisions.length - inserted.length;
    this.record(messages.length, alreadyStored, inserted, decisions, valid);

    return {
      received: messages.length,
      deadLettered: deadLetters.length,
      stored: inserted.length,
      alreadyStored,
      published: decisions.length,
    };
  }

  private record(
    received: number,
    alreadyStored: number,
    inserted: NewScoredEvent[],
    decisions: AutomaticDecisionMessage[],
    valid: Map<string, ValidEvent>,
  ): void {
    const m = this.metrics;
    m.eventsConsumed.inc(received);
    m.duplicateEvents.inc(alreadyStored);
    // Counted per batch: a labelled increment per event costs more than the counting.
    const scored = new Counts();
    const flagged = new Counts();
    const decided = new Counts();
    const now = Date.now();
    for (const row of inserted) {
      scored.add(row.scoreSource);
      for (const t of row.triggered) flagged.add(`${t.category}\n${t.action}`);
      const producedAt = Number(
        valid.get(keyOf({ source: row.event.source, eventId: row.event.id }))?.message.timestamp,
      );
      if (producedAt > 0) m.eventToDecisionSeconds.observe(Math.max(0, now - producedAt) / 1000);
    }
    for (const d of decisions) decided.add(d.decision);
    for (const [source, n] of scored) m.eventsScored.inc({ source }, n);
    for (const [key, n] of flagged) {
      const [category, action] = key.split('\n');
      m.eventsFlagged.inc({ category, action }, n);
    }
    for (const [decision, n] of decided) m.decisions.inc({ decision }, n);
  }
}

class Counts extends Map<string, number> {
  add(key: string): void {
    this.set(key, (this.get(key) ?? 0) + 1);
  }
}

const pickDecision = ({ decision, triggered }: ReturnType<typeof evaluatePolicy>) => ({
  decision,
  triggered,
});

export const DLQ_HEADERS = {
  reason: 'sieve-dlq-reason',
  detail: 'sieve-dlq-detail',
  topic: 'sieve-original-topic',
  partition: 'sieve-original-partition',
  offset: 'sieve-original-offset',
  failedAt: 'sieve-failed-at',
  truncatedFrom: 'sieve-dlq-truncated-from',
} as const;

/**
 * A dead letter carries the original bytes, but a message near the input topic's size limit
 * would exceed it once the headers are added, and the dead-letter send (hence the batch) would
 * fail on every retry. Above this the value is cut, and the headers say where the whole is.
 */
export const MAX_DEAD_LETTER_VALUE_BYTES = 900_000;

/**
 * The producer's headers, kept for whoever reads the dead letter. A producer's own `sieve-*`
 * header would pass for ours (a forged `sieve-dlq-truncated-from`, say): it is kept renamed
 * `untrusted-sieve-*`.
 */
function producersHeaders(message: IncomingMessage): NonNullable<OutgoingMessage['headers']> {
  const headers: NonNullable<OutgoingMessage['headers']> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (value === undefined) continue;
    headers[/^sieve-/i.test(name) ? `untrusted-${name}` : name] = value;
  }
  return headers;
}

export function deadLetter(
  message: IncomingMessage,
  topic: string,
  partition: number,
  reason: DeadLetterReason,
  detail: string,
): OutgoingMessage {
  const headers: NonNullable<OutgoingMessage['headers']> = {
    ...producersHeaders(message),
    [DLQ_HEADERS.reason]: reason,
    [DLQ_HEADERS.detail]: detail,
    [DLQ_HEADERS.topic]: topic,
    [DLQ_HEADERS.partition]: String(partition),
    [DLQ_HEADERS.offset]: message.offset,
    [DLQ_HEADERS.failedAt]: new Date().toISOString(),
  };
  // An erased author's text is not copied anywhere again: the headers say where the message is.
  let value = reason === 'erased_event_id' ? null : message.value;
  if (value && value.length > MAX_DEAD_LETTER_VALUE_BYTES) {
    headers[DLQ_HEADERS.truncatedFrom] = String(value.length);
    value = value.subarray(0, MAX_DEAD_LETTER_VALUE_BYTES);
  }
  return { key: message.key, value, headers };
}
