import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { type Consumer, Kafka, logLevel, type Producer, type RetryOptions } from 'kafkajs';
import { stopWithin } from '../common/settle-within';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { registerCompressionCodecs } from './compression-codecs';
import {
  type ContentEventConsumer,
  type IncomingMessage,
  KafkajsContentEventConsumer,
  type OutgoingMessage,
} from './content-event-consumer';
import { kafkaConnectionOptions } from './kafka-connection';
import { MemberReplacement } from './member-replacement';
import { KeyHashPartitioner } from './partitioner';

const LEVELS: Record<number, 'error' | 'warn' | 'log' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'log',
  [logLevel.DEBUG]: 'debug',
};

/**
 * The one place that knows kafkajs (with content-event-consumer.ts): a shared producer, and
 * members of the content-events consumer group on demand.
 */
@Injectable()
export class KafkaService implements OnApplicationShutdown {
  private readonly logger = new Logger('Kafka');
  private readonly kafka: Kafka;
  private producer: Producer | null = null;
  private connecting: Promise<Producer> | null = null;

  constructor(@Inject(APP_CONFIG) readonly config: AppConfig) {
    registerCompressionCodecs();
    this.kafka = new Kafka({
      clientId: config.KAFKA_CLIENT_ID,
      brokers: config.KAFKA_BROKERS,
      ...kafkaConnectionOptions(config),
      logLevel: logLevel.WARN,
      logCreator:
        () =>
        ({ level, log }) => {
          const { message, ...rest } = log;
          this.logger[LEVELS[level] ?? 'log']({ kafka: rest }, String(message));
        },
      retry: { retries: 8, initialRetryTime: 300 },
    });
  }

  /** A new member of KAFKA_GROUP_ID on KAFKA_CONTENT_TOPIC. */
  contentEventConsumer(): ContentEventConsumer {
    const config = this.config;
    let stopping = false;
    const consumer = this.kafka.consumer({
      retry: restartUnless(() => stopping),
      groupId: config.KAFKA_GROUP_ID,
      allowAutoTopicCreation: true,
      sessionTimeout: config.KAFKA_SESSION_TIMEOUT_MS,
      // A member that does not rejoin a rebalance within this is dropped (a killed process).
      rebalanceTimeout: Math.max(10_000, config.KAFKA_SESSION_TIMEOUT_MS),
      heartbeatInterval: Math.min(3000, Math.floor(config.KAFKA_SESSION_TIMEOUT_MS / 3)),
      // kafkajs waits up to 5 s by default. A broker that holds an empty fetch for the whole
      // wait (the librdkafka mock does, whatever is produced meanwhile) would stall decisions
      // that long, and stopping the consumer waits for the fetch in progress.
      maxWaitTimeInMs: config.KAFKA_FETCH_MAX_WAIT_MS,
    });
    return new KafkajsContentEventConsumer(
      consumer,
      config.KAFKA_CONTENT_TOPIC,
      config.INGEST_PARTITION_CONCURRENCY,
      () => (stopping = true),
    );
  }

  /**
   * A small consumer for low-volume topics (appeals): one message at a time, its offset
   * committed after `handle` resolves. When `handle` throws, kafkajs retries the message (then
   * restarts the member), so a message is never skipped; refusals must be dead-lettered by
   * `handle`, not thrown.
   *
   * It joins its group in the background: a join waits for the group's rebalance (up to the
   * session timeout), and a replica should not wait for one group after another before it
   * serves. A member that cannot start, or that kafkajs gives up on (a non-retriable error), is
   * replaced as MemberReplacement says, after at most `maxBackoffMs`.
   */
  consumeEach(
    topic: string,
    groupId: string,
    handle: (message: IncomingMessage, partition: number) => Promise<void>,
    maxBackoffMs = this.config.INGEST_MAX_BACKOFF_MS,
  ): { stop(): Promise<void> } {
    let current: Consumer | null = null;
    let stopped = false;
    const replacement = new MemberReplacement(maxBackoffMs, (delay, attempt) =>
      this.logger.warn(`a new ${groupId} consumer starts in ${delay} ms (attempt ${attempt})`),
    );
    const replace = (failed: Consumer) => {
      if (stopped || current !== failed) return;
      current = null;
      void failed.disconnect().catch(() => undefined);
      replacement.schedule(start);
    };
    const start = () => {
      if (stopped) return;
      const consumer = this.kafka.consumer({
        retry: restartUnless(() => stopped),
        groupId,
        allowAutoTopicCreation: true,
        sessionTimeout: this.config.KAFKA_SESSION_TIMEOUT_MS,
        maxWaitTimeInMs: this.config.KAFKA_FETCH_MAX_WAIT_MS,
      });
      current = consumer;
      consumer.on(consumer.events.GROUP_JOIN, () => replacement.joined());
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        if (stopped) return; // a leave that outlived its stop: nothing to replace
        const how = payload.restart ? 'kafkajs restarts it' : 'starting a new one';
        this.logger.error(`the ${groupId} consumer crashed (${payload.error.message}); ${how}`);
        if (!payload.restart) replace(consumer);
      });
      consumer
        .connect()
        .then(() => consumer.subscribe({ topic, fromBeginning: true }))
        .then(() =>
          consumer.run({ eachMessage: ({ message, partition }) => handle(message, partition) }),
        )
        .catch((error: unknown) => {
          if (stopped) return;
          const reason = error instanceof Error ? error.message : String(error);
          this.logger.error(
            `the ${groupId} consumer did not start (${reason}); starting a new one`,
          );
          replace(consumer);
        });
    };
    start();
    return {
      stop: async () => {
        stopped = true;
        replacement.stop();
        const ms = this.config.KAFKA_STOP_TIMEOUT_MS;
        if (current)
          await stopWithin(current.disconnect(), ms, {
            gaveUp: () =>
              this.logger.warn(
                `the ${groupId} consumer did not leave its group within ${ms} ms (broker unreachable?); the group drops it after its session timeout`,
              ),
            finished: (late) =>
              this.logger.log(`the ${groupId} consumer left its group after all, ${late} ms late`),
          });
      },
    };
  }

  /**
   * Every message `topic` holds when this is called, to `each` (in order within a partition,
   * awaited), then resolves with how many there were. It joins no group of Sieve's and commits
   * nothing: a throwaway group reads from the start to the end offsets it found, and is then
   * deleted. A topic that does not exist yet holds nothing. `idleMs` bounds a wait with no
   * progress.
   */
  async readToEnd(
    topic: string,
    each: (message: IncomingMessage, partition: number) => void | Promise<void>,
    idleMs = 30_000,
  ): Promise<number> {
    const admin = this.kafka.admin();
    await admin.connect();
    let ends: Map<number, bigint>;
    try {
      const offsets = await admin.fetchTopicOffsets(topic).catch((error: unknown) => {
        if (isUnknownTopic(error)) return [];
        throw error;
      });
      ends = new Map(
        offsets
          .filter((o) => BigInt(o.high) > BigInt(o.low))
          .map((o) => [o.partition, BigInt(o.high)]),
      );
    } finally {
      await admin.disconnect();
    }
    if (ends.size === 0) return 0;

    const groupId = `sieve-read-${topic}-${randomUUID()}`;
    const consumer = this.kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 200,
    });
    let read = 0;
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        let idle: NodeJS.Timeout;
        const progress = () => {
          clearTimeout(idle);
          idle = setTimeout(
            () => reject(new Error(`reading ${topic}: no progress for ${idleMs} ms`)),
            idleMs,
          );
        };
        progress();
        consumer
          .run({
            autoCommit: false,
            eachMessage: async ({ message, partition }) => {
              const end = ends.get(partition);
              if (end === undefined || BigInt(message.offset) >= end) return;
              await each(message, partition);
              read++;
              progress();
              if (BigInt(message.offset) + 1n >= end) ends.delete(partition);
              if (ends.size === 0) {
                clearTimeout(idle);
                resolve();
              }
            },
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect();
      await this.deleteGroup(groupId);
    }
    return read;
  }

  /** Best effort: a group that committed nothing only clutters the cluster's group list. */
  private async deleteGroup(groupId: string): Promise<void> {
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      await admin.deleteGroups([groupId]);
    } catch {
      // An older broker, or one without the right to delete groups: the group expires anyway.
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  /**
   * Sends in requests of at most ~1 MB: Kafka refuses a record batch above the topic's
   * max.message.bytes (1 MB by default), and kafkajs does not split one send. A large batch of
   * decisions, or a few dead-lettered 1 MB posts, would otherwise fail forever. And of at most
   * MAX_MESSAGES_PER_REQUEST: kafkajs groups a send's messages by partition by copying the
   * partition's list for every message, which grows with the square of the send.
   */
  async send(topic: string, messages: OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const producer = await this.connectedProducer();
    // Concurrently: the messages of one call are distinct events, so their order across
    // requests does not matter, and a batch's publish waits one round trip, not several.
    await Promise.all(
      chunkMessages(messages, MAX_REQUEST_BYTES, MAX_MESSAGES_PER_REQUEST).map((chunk) =>
        producer.send({ topic, messages: chunk }),
      ),
    );
  }

  /**
   * Sends one request after another, so that messages with the same key keep their order on
   * their partition even when a request is retried (the outbox relay's messages are ordered).
   */
  async sendInOrder(topic: string, messages: OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const producer = await this.connectedProducer();
    for (const chunk of chunkMessages(messages, MAX_REQUEST_BYTES, MAX_MESSAGES_PER_REQUEST)) {
      await producer.send({ topic, messages: chunk });
    }
  }

  private connectedProducer(): Promise<Producer> {
    if (this.producer) return Promise.resolve(this.producer);
    this.connecting ??= (async () => {
      const producer = this.kafka.producer({ createPartitioner: KeyHashPartitioner });
      await producer.connect();
      this.producer = producer;
      return producer;
    })().finally(() => (this.connecting = null));
    return this.connecting;
  }

  /** After the consumer has stopped and published what it finished. */
  async onApplicationShutdown(): Promise<void> {
    const producer = this.producer;
    this.producer = null;
    const ms = this.config.KAFKA_STOP_TIMEOUT_MS;
    if (producer)
      await stopWithin(producer.disconnect(), ms, {
        gaveUp: () => this.logger.warn(`the producer did not disconnect within ${ms} ms`),
        finished: (late) => this.logger.log(`the producer disconnected after all, ${late} ms late`),
      });
  }
}

/**
 * kafkajs's consumer retries (its default: 5), and a member it has crashed is restarted unless
 * it was stopped: a stop that gave up on a gone broker would otherwise leave it restarting for
 * ever in a process that is stopping.
 */
function restartUnless(stopped: () => boolean): RetryOptions {
  return { retries: 5, restartOnFailure: async () => !stopped() };
}

const MAX_REQUEST_BYTES = 900_000;
/**
 * 200 rather than 500: a batch's ~1,000 decisions then go as five concurrent requests instead
 * of two, and kafkajs's grouping copies 2.5× less — faster and lighter at full load (measured in
 * docs/benchmarks.md, "At most 200 decisions per produce request").
 */
const MAX_MESSAGES_PER_REQUEST = 200;
/** Record overhead per message, beyond key, value and headers (an upper bound). */
const RECORD_OVERHEAD_BYTES = 70;

/**
 * Consecutive groups of at most `maxBytes` and `maxMessages`; a message larger than `maxBytes`
 * goes alone.
 */
export function chunkMessages(
  messages: OutgoingMessage[],
  maxBytes: number,
  maxMessages = Infinity,
): OutgoingMessage[][] {
  const chunks: OutgoingMessage[][] = [];
  let current: OutgoingMessage[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = sizeOf(message);
    if (current.length > 0 && (bytes + size > maxBytes || current.length >= maxMessages)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

function sizeOf(message: OutgoingMessage): number {
  let size = RECORD_OVERHEAD_BYTES + byteLength(message.key) + byteLength(message.value);
  const headers = message.headers;
  for (const name in headers) {
    const value = headers[name];
    size += Buffer.byteLength(name);
    if (Array.isArray(value)) for (const v of value) size += byteLength(v);
    else size += byteLength(value);
  }
  return size;
}

function byteLength(value: Buffer | string | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'string' ? Buffer.byteLength(value) : value.length;
}

/** kafkajs's answer for a topic the cluster does not have. */
function isUnknownTopic(error: unknown): boolean {
  const e = error as { type?: unknown; message?: unknown } | null;
  return (
    e?.type === 'UNKNOWN_TOPIC_OR_PARTITION' ||
    (typeof e?.message === 'string' && /does not host this topic/i.test(e.message))
  );
}
