import {
  HttpException,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { parseAppealSubmission } from '@sieve/moderation';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { deadLetter } from '../ingest/ingest.service';
import type { IncomingMessage } from '../kafka/content-event-consumer';
import { KafkaService } from '../kafka/kafka.service';
import { MetricsService } from '../metrics/metrics.service';
import { AppealsService } from './appeals.service';

/**
 * Appeals from the `moderation.appeals` topic, in their own consumer group. A malformed appeal,
 * or one Sieve refuses (not restricted, appealed already), goes to the dead-letter topic with the
 * reason; a failure of Sieve's own (the database) is retried, never skipped.
 */
@Injectable()
export class AppealsConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Appeals');
  private consumer: { stop(): Promise<void> } | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly kafka: KafkaService,
    private readonly appeals: AppealsService,
    private readonly metrics: MetricsService,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.INGEST_ENABLED) return;
    this.consumer = this.kafka.consumeEach(
      this.config.KAFKA_APPEALS_TOPIC,
      `${this.config.KAFKA_GROUP_ID}-appeals`,
      (message, partition) => this.handle(message, partition),
    );
  }

  /** First thing on shutdown: no appeal is taken while the process stops. */
  async onModuleDestroy(): Promise<void> {
    await this.consumer?.stop();
  }

  private async handle(message: IncomingMessage, partition: number): Promise<void> {
    const parsed = parseAppealSubmission(message.value);
    if (!parsed.ok) return this.refuse(message, partition, 'invalid_appeal', parsed.detail);
    try {
      await this.appeals.submit(parsed.appeal, { label: 'kafka' });
    } catch (error) {
      if (!(error instanceof HttpException) || error.getStatus() >= 500) throw error;
      const body = error.getResponse() as { code?: string; message?: string };
      await this.refuse(
        message,
        partition,
        'appeal_refused',
        `${body.code ?? error.getStatus()}: ${body.message ?? error.message}`,
      );
    }
  }

  private async refuse(
    message: IncomingMessage,
    partition: number,
    reason: 'invalid_appeal' | 'appeal_refused',
    detail: string,
  ): Promise<void> {
    const topic = this.config.KAFKA_APPEALS_TOPIC;
    await this.kafka.send(this.config.KAFKA_DLQ_TOPIC, [
      deadLetter(message, topic, partition, reason, detail),
    ]);
    this.metrics.deadLetters.inc({ reason });
    this.logger.warn({ topic, partition, offset: message.offset, reason }, detail);
  }
}
