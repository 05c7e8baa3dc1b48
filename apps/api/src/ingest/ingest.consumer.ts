import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { MistralError } from '@sieve/mistral';
import { type Consumer, type EachBatchPayload, KafkaJSError } from 'kafkajs';
import { QueryFailedError } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { KafkaService } from '../kafka/kafka.service';
import { MetricsService } from '../metrics/metrics.service';
import { IngestService } from './ingest.service';

export type ConsumerState = 'disabled' | 'starting' | 'running' | 'crashed' | 'stopped';

const HEARTBEAT_EVERY_MS = 3_000;
const FIRST_BACKOFF_MS = 500;

/**
 * Runs the content-events consumer. Offsets are resolved and committed only after a batch is
 * stored and its decisions published. A batch that fails (scorer or Postgres down) is not
 * skipped and does not spin: its partition pauses and is fetched again from the last committed
 * offset after an exponential backoff, while other partitions carry on.
 */
@Injectable()
export class IngestConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('IngestConsumer');
  private consumer: Consumer | null = null;
  private readonly failures = new Map<number, number>();
  private readonly resumeTimers = new Set<ReturnType<typeof setTimeout>>();
  state: ConsumerState;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly kafka: KafkaService,
    private readonly ingest: IngestService,
    private readonly metrics: MetricsService,
  ) {
    this.state = config.INGEST_ENABLED ? 'starting' : 'disabled';
  }

  /** Partitions waiting out a backoff after a failed batch. */
  get pausedPartitions(): number[] {
    return [...this.failures.keys()];
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.INGEST_ENABLED) return;
    const consumer = this.kafka.consumer({
      groupId: this.config.KAFKA_GROUP_ID,
      allowAutoTopicCreation: true,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.state = 'running';
      const mine = payload.memberAssignment[this.config.KAFKA_CONTENT_TOPIC] ?? [];
      this.logger.log(
        `Joined group ${this.config.KAFKA_GROUP_ID}: partitions [${mine.join(', ')}] of ${this.config.KAFKA_CONTENT_TOPIC}`,
      );
    });
    consumer.on(consumer.events.CRASH, (event) => {
      this.state = 'crashed';
      this.logger.error(
        `Consumer crashed: ${event.payload.error.message}; restarting: ${event.payload.restart}`,
      );
    });

    await consumer.connect();
    await consumer.subscribe({ topics: [this.config.KAFKA_CONTENT_TOPIC], fromBeginning: true });
    await consumer.run({
      eachBatchAutoResolve: false,
      autoCommit: true,
      partitionsConsumedConcurrently: this.config.INGEST_PARTITION_CONCURRENCY,
      eachBatch: (payload) => this.onBatch(payload),
    });
  }

  private async onBatch({
    batch,
    resolveOffset,
    heartbeat,
    commitOffsetsIfNecessary,
    isRunning,
    isStale,
    pause,
  }: EachBatchPayload): Promise<void> {
    if (!isRunning() || isStale() || batch.messages.length === 0) return;
    const { topic, partition } = batch;
    this.metrics.consumerLag.set({ topic, partition }, Number(batch.offsetLag()));
    this.metrics.batchSize.observe(batch.messages.length);
    // A slow batch (Mistral retrying) must not cost this member its place in the group.
    const beat = setInterval(() => void heartbeat().catch(() => undefined), HEARTBEAT_EVERY_MS);
    const timer = this.metrics.batchSeconds.startTimer();
    try {
      const summary = await this.ingest.ingestBatch(topic, partition, batch.messages);
      // Stale: the partition was revoked or sought meanwhile; its next owner replays the batch,
      // which stores nothing twice. Not running: shutting down, and what was stored is committed.
      if (isStale()) return;
      resolveOffset(batch.lastOffset());
      await commitOffsetsIfNecessary();
      if (this.failures.delete(partition)) {
        this.logger.log(`${topic}[${partition}] recovered`);
        this.metrics.pausedPartitions.set(this.failures.size);
      }
      this.logger.debug(`${topic}[${partition}] ${JSON.stringify(summary)}`);
    } catch (error) {
      this.backOff(topic, partition, error, pause);
    } finally {
      clearInterval(beat);
      timer();
    }
    await heartbeat().catch(() => undefined);
  }

  private backOff(topic: string, partition: number, error: unknown, pause: () => () => void) {
    const attempt = (this.failures.get(partition) ?? 0) + 1;
    this.failures.set(partition, attempt);
    this.metrics.pausedPartitions.set(this.failures.size);
    this.metrics.batchFailures.inc({ cause: causeOf(error) });
    const ceiling = Math.min(this.config.INGEST_MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** attempt);
    const delay = Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
    const message = error instanceof Error ? error.message : String(error);
    this.logger.warn(
      `${topic}[${partition}] batch failed (${causeOf(error)}: ${message}); paused, retrying in ${delay} ms (attempt ${attempt})`,
    );
    const resume = pause();
    const timer = setTimeout(() => {
      this.resumeTimers.delete(timer);
      resume();
    }, delay);
    this.resumeTimers.add(timer);
  }

  /** Stops fetching and waits for batches in flight; what they stored is committed. */
  async onModuleDestroy(): Promise<void> {
    for (const timer of this.resumeTimers) clearTimeout(timer);
    this.resumeTimers.clear();
    if (!this.consumer) return;
    await this.consumer.disconnect();
    this.consumer = null;
    this.state = 'stopped';
  }
}

function causeOf(error: unknown): 'scorer' | 'database' | 'kafka' | 'other' {
  if (error instanceof MistralError) return 'scorer';
  if ((error as { code?: unknown })?.code === 'EOPENBREAKER') return 'scorer';
  if (error instanceof QueryFailedError) return 'database';
  if (error instanceof KafkaJSError) return 'kafka';
  const message = error instanceof Error ? error.message : '';
  if (
    /ECONNREFUSED|terminat|Connection|database|timeout exceeded when trying to connect/i.test(
      message,
    )
  )
    return 'database';
  return 'other';
}
