import {
  type Consumer,
  type IHeaders,
  KafkaJSError,
  KafkaJSNonRetriableError,
  type KafkaMessage,
} from 'kafkajs';

/** A message as read from a topic. */
export type IncomingMessage = Pick<KafkaMessage, 'key' | 'value' | 'offset' | 'timestamp'> & {
  headers?: IHeaders;
};

/** A message to send: what KafkaService.send takes. */
export interface OutgoingMessage {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers?: IHeaders;
}

/** Messages fetched from one partition. */
export interface SourceBatch {
  topic: string;
  partition: number;
  messages: IncomingMessage[];
  firstOffset: string;
  lastOffset: string;
  /** Messages behind the end of the partition after this batch. */
  lag: number;
}

export interface BatchControl {
  /** Moves the fetch position past `offset` (commits stay the caller's). */
  resolveOffset(offset: string): void;
  heartbeat(): Promise<void>;
  /** The group rebalanced since the batch was fetched. */
  isStale(): boolean;
}

/**
 * One member of the content-events consumer group, as ingest sees it: batches per partition,
 * explicit commits, pause / seek / resume for retries, and word of joins and crashes. The one
 * implementation wraps kafkajs; ingest never imports kafkajs.
 */
export interface ContentEventConsumer {
  onJoin(listener: (partitions: number[]) => void): void;
  /** `restarting`: the client restarts itself; otherwise this member is finished. */
  onCrash(listener: (error: Error, restarting: boolean) => void): void;
  start(eachBatch: (batch: SourceBatch, control: BatchControl) => Promise<void>): Promise<void>;
  /** False when the member is not running (crashed or being replaced): nothing to pause. */
  pause(partition: number): boolean;
  resume(partition: number): boolean;
  seek(partition: number, offset: string): boolean;
  commit(offsets: { partition: number; offset: string }[]): Promise<void>;
  stop(): Promise<void>;
}

/** Whether the error came from the Kafka client (a broker or the connection to it). */
export const isKafkaError = (error: unknown): boolean => error instanceof KafkaJSError;

export class KafkajsContentEventConsumer implements ContentEventConsumer {
  constructor(
    private readonly consumer: Consumer,
    private readonly topic: string,
    /** The number of partitions consumed at once. */
    private readonly concurrency: number,
    /** Called when stopping starts (kafkajs must not restart the member after it). */
    private readonly onStop: () => void = () => undefined,
  ) {}

  onJoin(listener: (partitions: number[]) => void): void {
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) =>
      listener(payload.memberAssignment[this.topic] ?? []),
    );
  }

  onCrash(listener: (error: Error, restarting: boolean) => void): void {
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) =>
      listener(payload.error, payload.restart),
    );
  }

  async start(
    eachBatch: (batch: SourceBatch, control: BatchControl) => Promise<void>,
  ): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [this.topic], fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.concurrency,
      eachBatch: ({ batch, resolveOffset, heartbeat, isStale }) =>
        eachBatch(
          {
            topic: batch.topic,
            partition: batch.partition,
            messages: batch.messages,
            firstOffset: batch.firstOffset() ?? batch.lastOffset(),
            lastOffset: batch.lastOffset(),
            lag: batch.messages.length > 0 ? Number(batch.offsetLag()) : 0,
          },
          { resolveOffset, heartbeat, isStale },
        ),
    });
  }

  pause(partition: number): boolean {
    return whileRunning(() =>
      this.consumer.pause([{ topic: this.topic, partitions: [partition] }]),
    );
  }

  resume(partition: number): boolean {
    return whileRunning(() =>
      this.consumer.resume([{ topic: this.topic, partitions: [partition] }]),
    );
  }

  seek(partition: number, offset: string): boolean {
    return whileRunning(() => this.consumer.seek({ topic: this.topic, partition, offset }));
  }

  commit(offsets: { partition: number; offset: string }[]): Promise<void> {
    return this.consumer.commitOffsets(offsets.map((o) => ({ topic: this.topic, ...o })));
  }

  stop(): Promise<void> {
    this.onStop();
    return this.consumer.disconnect();
  }
}

/** Runs a consumer call that kafkajs refuses while the consumer is not running. */
function whileRunning(call: () => void): boolean {
  try {
    call();
    return true;
  } catch (error) {
    if (error instanceof KafkaJSNonRetriableError) return false;
    throw error;
  }
}
