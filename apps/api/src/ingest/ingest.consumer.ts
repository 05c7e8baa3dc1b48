import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { MistralError } from '@sieve/mistral';
import { QueryFailedError } from 'typeorm';
import { settleWithin, stopWithin } from '../common/settle-within';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import {
  type BatchControl,
  type ContentEventConsumer,
  isKafkaError,
  type SourceBatch,
} from '../kafka/content-event-consumer';
import { KafkaService } from '../kafka/kafka.service';
import { backoffDelay, MemberReplacement } from '../kafka/member-replacement';
import { MetricsService } from '../metrics/metrics.service';
import { IngestService } from './ingest.service';
import { PartitionProgress } from './partition-progress';

export type ConsumerState = 'disabled' | 'starting' | 'running' | 'crashed' | 'stopped';

const COMMIT_EVERY_MS = 200;

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
  private consumer: ContentEventConsumer | null = null;
  /** Per partition of the current group generation; replaced on every rebalance. */
  private progress = new Map<number, PartitionProgress>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly failures = new Map<number, number>();
  /** Each partition's lag as of its last batch (cleared with the group generation). */
  private readonly lags = new Map<string, number>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private commitTimer: ReturnType<typeof setInterval> | null = null;
  private stopping = false;
  private readonly replacement: MemberReplacement;
  state: ConsumerState;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly kafka: KafkaService,
    private readonly ingest: IngestService,
    private readonly metrics: MetricsService,
  ) {
    this.state = config.INGEST_ENABLED ? 'starting' : 'disabled';
    this.replacement = new MemberReplacement(config.INGEST_MAX_BACKOFF_MS, (delay, attempt) => {
      this.metrics.consumerRestarts.inc();
      this.logger.warn(`Starting a new consumer in ${delay} ms (attempt ${attempt})`);
    });
  }

  /**
   * Events this replica is behind by: read from the broker but not yet stored, plus the lag of
   * each partition as of its last batch. Background work (waves) waits while it is high.
   */
  get backlog(): number {
    let lag = 0;
    for (const l of this.lags.values()) lag += l;
    return this.pendingEvents() + lag;
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
    const consumer = this.kafka.contentEventConsumer();
    this.consumer = consumer;
    consumer.onJoin((partitions) => {
      this.state = 'running';
      this.replacement.joined();
      // Work still in flight for the old assignment is not committed; the partitions' owners
      // (maybe us again) replay it from the last commit, and replays store nothing twice.
      this.progress = new Map();
      this.lags.clear();
      this.logger.log(
        `Joined group ${this.config.KAFKA_GROUP_ID}: partitions [${partitions.join(', ')}] of ${this.config.KAFKA_CONTENT_TOPIC}`,
      );
    });
    consumer.onCrash((error, restarting) => {
      if (this.stopping) return; // a leave that outlived its stop: nothing to replace
      this.state = 'crashed';
      this.logger.error(
        `Consumer crashed: ${error.message}; ${restarting ? 'kafkajs restarts it' : 'starting a new one'}`,
      );
      if (!restarting) this.replace(consumer);
    });
    await consumer.start((batch, control) => this.onBatch(batch, control));
  }

  /**
   * Replaces a consumer that stopped for good with a new member (MemberReplacement says when).
   * Its batches still in flight are not committed (as after a rebalance): the partitions' new
   * owners replay them from the last commit.
   */
  private replace(crashed: ContentEventConsumer): void {
    if (this.stopping || this.consumer !== crashed) return;
    this.replacement.schedule(() => {
      this.state = 'starting';
      this.progress = new Map();
      this.lags.clear();
      this.failures.clear();
      this.metrics.pausedPartitions.set(0);
      void crashed
        .stop()
        .catch(() => undefined)
        .then(() => this.startConsumer())
        .catch((error: unknown) => {
          this.state = 'crashed';
          this.logger.error(`Consumer did not start: ${(error as Error).message}`);
          this.replace(this.consumer as ContentEventConsumer);
        });
    });
  }

  /** Hands the batch over and returns, so the next fetch starts while it is being scored. */
  private async onBatch(batch: SourceBatch, { resolveOffset, heartbeat, isStale }: BatchControl) {
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

    this.metrics.consumerLag.set({ topic, partition }, batch.lag);
    this.lags.set(`${topic}/${partition}`, Number(batch.lag) || 0);
    this.metrics.batchSize.observe(batch.messages.length);
    const handle = progress.start(batch.firstOffset, batch.lastOffset, batch.messages.length);
    // Moves the fetch position only; commits are ours.
    resolveOffset(batch.lastOffset);

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
    if (!consumer.pause(partition)) return;

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
        consumer.seek(partition, progress.resumeOffset());
      }
      consumer.resume(partition);
    }, delay);
    this.timers.add(timer);
  }

  private async commit(): Promise<void> {
    const consumer = this.consumer;
    if (!consumer) return;
    const offsets = [...this.progress].flatMap(([partition, progress]) => {
      const offset = progress.takeCommit();
      return offset === null ? [] : [{ partition, offset }];
    });
    if (offsets.length === 0) return;
    try {
      await consumer.commit(offsets);
    } catch (error) {
      // A rebalance took the partitions: their new owner replays from the last commit.
      this.logger.debug(`commit skipped: ${(error as Error).message}`);
    }
  }

  /** Stops fetching, lets batches in flight finish, commits what they stored, leaves the group. */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    this.replacement.stop();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (this.commitTimer) clearInterval(this.commitTimer);
    const consumer = this.consumer;
    if (!consumer) return;
    await settleWithin(Promise.allSettled([...this.inFlight]), 30_000);
    const ms = this.config.KAFKA_STOP_TIMEOUT_MS;
    await stopWithin(
      this.commit().then(() => consumer.stop()),
      ms,
      {
        gaveUp: () => {
          this.logger.warn(
            `did not commit and leave the group within ${ms} ms (broker unreachable?); uncommitted events are replayed, not stored twice`,
          );
          return consumer.stop(); // at least kafkajs must not restart it
        },
        finished: (late) =>
          this.logger.log(`left the group after all, ${late} ms after the stop gave up`),
      },
    );
    this.consumer = null;
    this.state = 'stopped';
  }
}

function causeOf(error: unknown): 'scorer' | 'database' | 'kafka' | 'other' {
  if (error instanceof MistralError) return 'scorer';
  if ((error as { code?: unknown })?.code === 'EOPENBREAKER') return 'scorer';
  if (error instanceof QueryFailedError) return 'database';
  if (isKafkaError(error)) return 'kafka';
  const message = error instanceof Error ? error.message : '';
  if (/ECONNREFUSED|terminat|connection|database/i.test(message)) return 'database';
  return 'other';
}
