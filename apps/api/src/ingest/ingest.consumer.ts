import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Consumer } from 'kafkajs';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { KafkaService } from '../kafka/kafka.service';
import { IngestService } from './ingest.service';

export type ConsumerState = 'disabled' | 'starting' | 'running' | 'crashed' | 'stopped';

/**
 * Runs the content-events consumer. Offsets are resolved and committed only after a batch is
 * stored and its decisions published; a failing batch is retried by kafkajs, never skipped.
 */
@Injectable()
export class IngestConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('IngestConsumer');
  private consumer: Consumer | null = null;
  state: ConsumerState;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly kafka: KafkaService,
    private readonly ingest: IngestService,
  ) {
    this.state = config.INGEST_ENABLED ? 'starting' : 'disabled';
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.INGEST_ENABLED) return;
    const consumer = this.kafka.consumer({
      groupId: this.config.KAFKA_GROUP_ID,
      allowAutoTopicCreation: true,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.state = 'running';
      this.logger.log(
        `Joined group ${this.config.KAFKA_GROUP_ID} on ${this.config.KAFKA_CONTENT_TOPIC}`,
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
      eachBatch: async ({
        batch,
        resolveOffset,
        heartbeat,
        commitOffsetsIfNecessary,
        isRunning,
        isStale,
      }) => {
        if (!isRunning() || isStale() || batch.messages.length === 0) return;
        const summary = await this.ingest.ingestBatch(batch.topic, batch.partition, batch.messages);
        resolveOffset(batch.lastOffset());
        await commitOffsetsIfNecessary();
        await heartbeat();
        this.logger.debug(`${batch.topic}[${batch.partition}] ${JSON.stringify(summary)}`);
      },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.consumer) return;
    await this.consumer.disconnect();
    this.consumer = null;
    this.state = 'stopped';
  }
}
