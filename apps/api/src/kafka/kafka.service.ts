import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import {
  type Consumer,
  type ConsumerConfig,
  Kafka,
  logLevel,
  type Message,
  Partitioners,
  type Producer,
} from 'kafkajs';
import { APP_CONFIG, type AppConfig } from '../config/app-config';

const LEVELS: Record<number, 'error' | 'warn' | 'log' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'log',
  [logLevel.DEBUG]: 'debug',
};

/** The one place that knows kafkajs: a shared producer and consumers on demand. */
@Injectable()
export class KafkaService implements OnApplicationShutdown {
  private readonly logger = new Logger('Kafka');
  private readonly kafka: Kafka;
  private producer: Producer | null = null;
  private connecting: Promise<Producer> | null = null;

  constructor(@Inject(APP_CONFIG) readonly config: AppConfig) {
    this.kafka = new Kafka({
      clientId: config.KAFKA_CLIENT_ID,
      brokers: config.KAFKA_BROKERS,
      logLevel: logLevel.WARN,
      logCreator:
        () =>
        ({ level, log }) => {
          const { message, ...rest } = log;
          this.logger[LEVELS[level] ?? 'log'](`${message} ${JSON.stringify(rest)}`);
        },
      retry: { retries: 8, initialRetryTime: 300 },
    });
  }

  consumer(config: ConsumerConfig): Consumer {
    return this.kafka.consumer(config);
  }

  async send(topic: string, messages: Message[]): Promise<void> {
    if (messages.length === 0) return;
    const producer = await this.connectedProducer();
    await producer.send({ topic, messages });
  }

  private connectedProducer(): Promise<Producer> {
    if (this.producer) return Promise.resolve(this.producer);
    this.connecting ??= (async () => {
      const producer = this.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      this.producer = producer;
      return producer;
    })().finally(() => (this.connecting = null));
    return this.connecting;
  }

  /** After the consumer has stopped and published what it finished. */
  async onApplicationShutdown(): Promise<void> {
    await this.producer?.disconnect();
    this.producer = null;
  }
}
