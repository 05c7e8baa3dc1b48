import { Inject, Injectable } from '@nestjs/common';
import type {
  DeadLetterReasonDto,
  DeadLetterReplayDto,
  DeadLetterSurveyDto,
} from '@sieve/contracts';
import type { IHeaders } from 'kafkajs';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/roles';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import type { IncomingMessage, OutgoingMessage } from '../kafka/content-event-consumer';
import { KafkaService } from '../kafka/kafka.service';
import { DLQ_HEADERS, type DeadLetterReason } from './ingest.service';

export interface ReplayOptions {
  /** Only dead letters with one of these reasons: a replay names what was fixed. */
  reasons: string[];
  /** Only those that failed at or after this. */
  since?: Date;
  dryRun: boolean;
}

// The contract's list of reasons names every reason the api gives, and no other.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _reasonsMatch: Same<DeadLetterReason, DeadLetterReasonDto> = true;

const LATEST_PER_REASON = 5;
const REPLAY_BATCH_MESSAGES = 500;
const REPLAY_BATCH_BYTES = 4 * 1024 * 1024;
const REPLAYED_FROM = 'sieve-replayed-from';
const SIEVE_DLQ_HEADERS = new Set<string>(Object.values(DLQ_HEADERS));

const text = (headers: IHeaders | undefined, name: string): string | null => {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? null : first.toString();
};

/**
 * What `content.events.dlq` holds, and sending dead letters back to the topic they came from
 * once what refused them is fixed (a limit raised, a producer corrected, Mistral answering
 * again). Replaying is safe to repeat: an event already stored is not stored twice, and an
 * appeal already received is refused as such.
 */
@Injectable()
export class DeadLetters {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly kafka: KafkaService,
    private readonly audit: AuditService,
  ) {}

  async survey(): Promise<DeadLetterSurveyDto> {
    const topic = this.config.KAFKA_DLQ_TOPIC;
    const survey: DeadLetterSurveyDto = { topic, total: 0, byReason: {} };
    survey.total = await this.kafka.readToEnd(topic, (message, partition) => {
      const reason = text(message.headers, DLQ_HEADERS.reason) ?? '(no reason)';
      const failedAt = text(message.headers, DLQ_HEADERS.failedAt);
      const entry = (survey.byReason[reason] ??= {
        count: 0,
        firstFailedAt: null,
        lastFailedAt: null,
        latest: [],
      });
      entry.count++;
      if (failedAt && (!entry.firstFailedAt || failedAt < entry.firstFailedAt))
        entry.firstFailedAt = failedAt;
      if (failedAt && (!entry.lastFailedAt || failedAt > entry.lastFailedAt))
        entry.lastFailedAt = failedAt;
      entry.latest.push({
        from: `${text(message.headers, DLQ_HEADERS.topic)}/${text(message.headers, DLQ_HEADERS.partition)}/${text(message.headers, DLQ_HEADERS.offset)} (dead letter ${partition}/${message.offset})`,
        key: message.key?.toString() ?? null,
        detail: text(message.headers, DLQ_HEADERS.detail) ?? '',
        failedAt,
      });
      // Partitions are read one after another: keep the latest by when they failed.
      entry.latest.sort((a, b) => (a.failedAt ?? '').localeCompare(b.failedAt ?? ''));
      if (entry.latest.length > LATEST_PER_REASON) entry.latest.shift();
    });
    return survey;
  }

  /** Replays are audited (dry runs are not): who sent what back, and why it was refused. */
  async replay(
    options: ReplayOptions,
    actor: Principal | { label: string },
    ip?: string,
  ): Promise<DeadLetterReplayDto> {
    const report: DeadLetterReplayDto = {
      dryRun: options.dryRun,
      read: 0,
      replayed: 0,
      byTopic: {},
      skipped: { truncated: 0, erased: 0, foreignTopic: 0 },
    };
    const ours = new Set([this.config.KAFKA_CONTENT_TOPIC, this.config.KAFKA_APPEALS_TOPIC]);
    const wanted = new Set(options.reasons);
    // Sent as they are read, a bounded batch at a time: a dead letter may be 900 KB.
    const pending = new Map<string, { messages: OutgoingMessage[]; bytes: number }>();
    let sent = 0;
    const flush = async (topic: string) => {
      const batch = pending.get(topic);
      pending.delete(topic);
      if (!batch || options.dryRun) return;
      await this.kafka.sendInOrder(topic, batch.messages);
      sent += batch.messages.length;
    };
    const dlq = this.config.KAFKA_DLQ_TOPIC;
    let failure: string | undefined;
    try {
      report.read = await this.kafka.readToEnd(dlq, async (message, partition) => {
        const h = message.headers;
        if (!wanted.has(text(h, DLQ_HEADERS.reason) ?? '')) return;
        const failedAt = text(h, DLQ_HEADERS.failedAt);
        if (options.since && !(failedAt && new Date(failedAt) >= options.since)) return;
        const topic = text(h, DLQ_HEADERS.topic) ?? '';
        if (!ours.has(topic)) report.skipped.foreignTopic++;
        else if (message.value === null) report.skipped.erased++;
        else if (text(h, DLQ_HEADERS.truncatedFrom) !== null) report.skipped.truncated++;
        else {
          const batch = pending.get(topic) ?? { messages: [], bytes: 0 };
          batch.messages.push(original(message, `${dlq}/${partition}/${message.offset}`));
          batch.bytes += message.value.length;
          pending.set(topic, batch);
          report.byTopic[topic] = (report.byTopic[topic] ?? 0) + 1;
          report.replayed++;
          if (batch.messages.length >= REPLAY_BATCH_MESSAGES || batch.bytes >= REPLAY_BATCH_BYTES)
            await flush(topic);
        }
      });
      for (const topic of [...pending.keys()]) await flush(topic);
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
      throw error;
    } finally {
      // A replay that failed part way is audited too, with what did go back.
      if (!options.dryRun)
        await this.audit.record({
          actor,
          action: 'dead_letters.replayed',
          ip,
          details: {
            reasons: options.reasons,
            since: options.since?.toISOString() ?? null,
            ...report,
            sent,
            ...(failure && { failure }),
          },
        });
    }
    return report;
  }
}

/**
 * The message as its producer sent it: its key, bytes and headers (those it named `sieve-*`
 * back under their own names), without Sieve's dead-letter headers, and saying where it was.
 */
function original(message: IncomingMessage, from: string): OutgoingMessage {
  const headers: IHeaders = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (value === undefined || SIEVE_DLQ_HEADERS.has(name) || name === REPLAYED_FROM) continue;
    headers[name.replace(/^untrusted-(sieve-)/i, '$1')] = value;
  }
  headers[REPLAYED_FROM] = from;
  return { key: message.key, value: message.value, headers };
}
