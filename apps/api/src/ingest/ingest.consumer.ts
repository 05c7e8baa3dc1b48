import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { MistralError } from '@sieve/mistral';
import {
  type Consumer,
  type EachBatchPayload,
  KafkaJSError,
  KafkaJSNonRetriableError,
} from 'kafkajs';
import { QueryFailedError } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { KafkaService } from '../kafka/kafka.service';
import { MetricsService } from '../metrics/metrics.service';
import { IngestService } from './ingest.service';
import { PartitionProgress } from './partition-progress';

export type ConsumerState = 'disabled' | 'starting' | 'running' | 'crashed' | 'stopped';

const COMMIT_EVERY_MS = 200;
const FIRST_BACKOFF_MS = 500;

/**
 * Runs the content-events consumer. Batches are processed several at a time, also within a
 * partition (so a 50 ms scoring round trip does not cap a partition at one batch per round
 * trip), and their texts are packed together into moderation requests. kafkajs never commits
 * by itself: an offset is committed only once its batch and every earlier batch of the
 * partition are stored and their decisions published. A failed batch (scorer or Postgres down)
 * is not skipped and does not spin: its partition pauses, is sought back to that batch and
 * resumes after an exponential backoff, while other partitions carry on.
 */
@Injectable()
export class IngestConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('IngestConsumer');
  private consumer: Consumer | null = null;
  /** Per partition of the current group generation; replaced on every rebalance. */
  private progress = new Map<number, PartitionProgress>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly failures = new Map<number, number>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private commitTimer: ReturnType<typeof setInterval> | null = null;
  private stopping = false;
  /** Consumers replaced since the last successful join. */
  private restarts = 0;
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
    await this.startConsumer();
    this.commitTimer = setInterval(() => void this.commit(), COMMIT_EVERY_MS);
  }

  private async startConsumer(): Promise<void> {
    const topic = this.config.KAFKA_CONTENT_TOPIC;
    const consumer = this.kafka.consumer({
      groupId: this.config.KAFKA_GROUP_ID,
      allowAutoTopicCreation: true,
      sessionTimeout: this.config.KAFKA_SESSION_TIMEOUT_MS,
      // A member that does not rejoin a rebalance within this is dropped (a killed process).
      rebalanceTimeout: Math.max(10_000, this.config.KAFKA_SESSION_TIMEOUT_MS),
      heartbeatInterval: Math.min(3000, Math.floor(this.config.KAFKA_SESSION_TIMEOUT_MS / 3)),
      // kafkajs waits up to 5 s by default. A broker that holds an empty fetch for the whole
      // wait (the librdkafka mock does, whatever is produced meanwhile) would stall decisions
      // that long, and stopping the consumer waits for the fetch in progress.
      maxWaitTimeInMs: this.config.KAFKA_FETCH_MAX_WAIT_MS,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.state = 'running';
      this.restarts = 0;
      // Work still in flight for the old assignment is not committed; the partitions' owners
      // (maybe us again) replay it from the last commit, and replays store nothing twice.
      this.progress = new Map();
      const mine = payload.memberAssignment[topic] ?? [];
      this.logger.log(
        `Joined group ${this.config.KAFKA_GROUP_ID}: partitions [${mine.join(', ')}] of ${topic}`,
      );
    });
    consumer.on(consumer.events.CRASH, (event) => {
      this.state = 'crashed';
      const { error, restart } = event.payload;
      this.logger.error(
        `Consumer crashed: ${error.message}; ${restart ? 'kafkajs restarts it' : 'starting a new one'}`,
      );
      // kafkajs gives up on errors it deems non-retriable (a broker answering INVALID_REQUEST
      // to a SyncGroup during a rebalance, for one); the process would then stay up, consuming
      // nothing, until someone restarted it.
      if (!restart) this.replace(consumer);
    });

    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.config.INGEST_PARTITION_CONCURRENCY,
      eachBatch: (payload) => this.onBatch(payload),
    });
  }

  /**
   * Replaces a consumer that stopped for good with a new member, after a backoff. Its batches
   * still in flight are not committed (as after a rebalance): the partitions' new owners replay
   * them from the last commit.
   */
  private replace(crashed: Consumer): void {
    if (this.stopping || this.consumer !== crashed) return;
    this.restarts++;
    this.metrics.consumerRestarts.inc();
    const delay = backoffDelay(this.restarts, this.config.INGEST_MAX_BACKOFF_MS);
    this.logger.warn(`Starting a new consumer in ${delay} ms (attempt ${this.restarts})`);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.stopping) return;
      this.state = 'starting';
      this.progress = new Map();
      this.failures.clear();
      this.metrics.pausedPartitions.set(0);
      void crashed
        .disconnect()
        .catch(() => undefined)
        .then(() => this.startConsumer())
        .catch((error: unknown) => {
          this.state = 'crashed';
          this.logger.error(`Consumer did not start: ${(error as Error).message}`);
          this.replace(this.consumer as Consumer);
        });
    }, delay);
    this.timers.add(timer);
  }

  /** Hands the batch over and returns, so the next fetch starts while it is being scored. */
  private async onBatch({ batch, resolveOffset, heartbeat, isStale }: EachBatchPayload) {
    if (this.stopping || isStale() || batch.messages.length === 0) return;
    const { topic, partition } = batch;
    let progress = this.progress.get(partition);
    if (!progress) this.progress.set(partition, (progress = new PartitionProgress()));
    if (progress.failed) return;

    // Backpressure: a bounded amount of work in flight per process.
    while (this.pendingEvents() >= this.config.INGEST_MAX_PENDING_EVENTS && this.inFlight.size) {
      await Promise.race(this.inFlight);
      await heartbeat().catch(() => undefined);
      if (this.stopping || isStale() || progress.failed) return;
    }

    this.metrics.consumerLag.set({ topic, partition }, Number(batch.offsetLag()));
    this.metrics.batchSize.observe(batch.messages.length);
    const handle = progress.start(
      batch.firstOffset() ?? batch.lastOffset(),
      batch.lastOffset(),
      batch.messages.length,
    );
    // Moves the fetch position only; commits are ours.
    resolveOffset(batch.lastOffset());

    const timer = this.metrics.batchSeconds.startTimer();
    const work = this.ingest
      .ingestBatch(topic, partition, batch.messages)
      .then(
        () => {
          handle.finish();
          if (this.failures.delete(partition)) {
            this.logger.log(`${topic}[${partition}] recovered`);
            this.metrics.pausedPartitions.set(this.failures.size);
          }
        },
        (error: unknown) => {
          const firstFailure = !progress.failed;
          handle.fail();
          if (firstFailure) this.backOff(topic, partition, progress, error);
        },
      )
      .finally(() => {
        timer();
        this.inFlight.delete(work);
      });
    this.inFlight.add(work);
  }

  private pendingEvents(): number {
    let sum = 0;
    for (const p of this.progress.values()) sum += p.pendingEvents;
    return sum;
  }

  /** Pauses the partition after its first failed batch and replays it after a backoff. */
  private backOff(
    topic: string,
    partition: number,
    progress: PartitionProgress,
    error: unknown,
  ): void {
    const consumer = this.consumer;
    if (!consumer || this.stopping) return;
    this.metrics.batchFailures.inc({ cause: causeOf(error) });
    // A consumer that crashed or is being replaced has no partitions to pause; whoever owns
    // them next starts from the last commit.
    if (!tryConsumer(() => consumer.pause([{ topic, partitions: [partition] }]))) return;

    const attempt = (this.failures.get(partition) ?? 0) + 1;
    this.failures.set(partition, attempt);
    this.metrics.pausedPartitions.set(this.failures.size);
    const delay = backoffDelay(attempt, this.config.INGEST_MAX_BACKOFF_MS);
    const message = error instanceof Error ? error.message : String(error);
    this.logger.warn(
      `${topic}[${partition}] batch failed (${causeOf(error)}: ${message}); partition paused, retrying from offset ${progress.resumeOffset()} in ${delay} ms (attempt ${attempt})`,
    );
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.stopping || this.consumer !== consumer) return;
      if (this.progress.get(partition) === progress) {
        // Later batches of the partition may have been stored meanwhile: they are replayed
        // too, and stored once. (After a rebalance the new generation starts from the commit.)
        this.progress.set(partition, new PartitionProgress());
        tryConsumer(() => consumer.seek({ topic, partition, offset: progress.resumeOffset() }));
      }
      tryConsumer(() => consumer.resume([{ topic, partitions: [partition] }]));
    }, delay);
    this.timers.add(timer);
  }

  private async commit(): Promise<void> {
    const consumer = this.consumer;
    if (!consumer) return;
    const topic = this.config.KAFKA_CONTENT_TOPIC;
    const offsets = [...this.progress].flatMap(([partition, progress]) => {
      const offset = progress.takeCommit();
      return offset === null ? [] : [{ topic, partition, offset }];
    });
    if (offsets.length === 0) return;
    try {
      await consumer.commitOffsets(offsets);
    } catch (error) {
      // A rebalance took the partitions: their new owner replays from the last commit.
      this.logger.debug(`commit skipped: ${(error as Error).message}`);
    }
  }

  /** Stops fetching, lets batches in flight finish, commits what they stored, leaves the group. */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (this.commitTimer) clearInterval(this.commitTimer);
    const consumer = this.consumer;
    if (!consumer) return;
    const deadline = new Promise((r) => setTimeout(r, 30_000).unref());
    await Promise.race([Promise.allSettled([...this.inFlight]), deadline]);
    await this.commit();
    await consumer.disconnect();
    this.consumer = null;
    this.state = 'stopped';
  }
}

/** Exponential backoff with jitter: half the ceiling plus up to half again. */
function backoffDelay(attempt: number, maxMs: number): number {
  const ceiling = Math.min(maxMs, FIRST_BACKOFF_MS * 2 ** attempt);
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

/** Runs a consumer call that kafkajs refuses while the consumer is not running. */
function tryConsumer(call: () => void): boolean {
  try {
    call();
    return true;
  } catch (error) {
    if (error instanceof KafkaJSNonRetriableError) return false;
    throw error;
  }
}

function causeOf(error: unknown): 'scorer' | 'database' | 'kafka' | 'other' {
  if (error instanceof MistralError) return 'scorer';
  if ((error as { code?: unknown })?.code === 'EOPENBREAKER') return 'scorer';
  if (error instanceof QueryFailedError) return 'database';
  if (error instanceof KafkaJSError) return 'kafka';
  const message = error instanceof Error ? error.message : '';
  if (/ECONNREFUSED|terminat|connection|database/i.test(message)) return 'database';
  return 'other';
}
